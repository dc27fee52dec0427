"""Write a synthetic, valid, deterministic knowledge base of N entries, for the benchmark.

The mix follows the real record: 55% events, 20% quotes, 5% censorship lists (10–50 items
each), 20% actors; English and Chinese text, ~40 tags, references between entries (actors,
speakers, compilers, related) and dates spread over ten years. The same N and seed always
give the same files.

    python benchmarks/synth.py 1000 /tmp/kb-1000      # writes /tmp/kb-1000/entries/...
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

import yaml

MIX = (("event", 0.55), ("quote", 0.20), ("list", 0.05), ("actor", 0.20))
# Corpora of other proportions, to check that what is measured on one holds on another:
# "dense" has more quotes, longer texts and more actors per event.
SHAPES = {
    "record": {"mix": MIX, "summary": (2, 6), "actors": (1, 3), "context": 2},
    "dense": {
        "mix": (("event", 0.35), ("quote", 0.40), ("list", 0.05), ("actor", 0.20)),
        "summary": (6, 14),
        "actors": (4, 10),
        "context": 5,
    },
}
FOLDER = {"event": "events", "quote": "quotes", "list": "lists", "actor": "actors"}

TAGS = [
    "app-rankings",
    "blackout",
    "censorship",
    "courts",
    "dissidents",
    "executive-orders",
    "influence-operations",
    "joint-venture",
    "lemon8",
    "metrics",
    "migration",
    "moderation",
    "state-media",
    "taiwan",
    "translation",
    "us-law",
    "privacy",
    "data-security",
    "hong-kong",
    "tibet",
    "xinjiang",
    "elections",
    "advertising",
    "creators",
    "music",
    "memes",
    "language",
    "education",
    "diplomacy",
    "trade",
    "national-security",
    "real-name",
    "minors",
    "lgbtq",
    "feminism",
    "labour",
    "protests",
    "covid",
    "satire",
    "archives",
]  # 40

ZH_PHRASES = [
    "美国网友涌入小红书",
    "TikTok难民在小红书上自我介绍",
    "平台紧急招聘英语内容审核员",
    "外国用户学习中文",
    "中美网友交流猫税",
    "审查机制引发讨论",
    "账号被封禁",
    "敏感词被屏蔽",
    "官方媒体发表评论",
    "最高法院维持禁令",
    "应用商店下载排名第一",
    "实名认证需要中国手机号",
    "翻译功能上线",
    "中美民间交流的窗口",
    "关于台湾的帖子被删除",
    "用户数量迅速增长",
    "网友讨论生活成本",
    "平台社区规范更新",
    "多名用户反映内容被限流",
    "外交部发言人回应",
    "青年人的跨文化对话",
    "难民潮带来新的流量",
    "内容审核标准不透明",
    "政府要求删除相关内容",
]
EN_WORDS = (
    "users platform account moderation censorship review court ruling app store ranking "
    "migration refugee translation policy statement government ministry report newspaper "
    "editorial interview creator video post comment hashtag feed algorithm community rules "
    "ban divestiture law senate hearing appeal lawsuit deadline blackout outage restore "
    "download growth estimate survey analyst market advertiser brand privacy security data"
).split()
NAMES_FIRST = [
    "Ada",
    "Bo",
    "Chen",
    "Dana",
    "Eli",
    "Fang",
    "Gus",
    "Hui",
    "Ivy",
    "Jun",
    "Kai",
    "Lan",
    "Mei",
    "Nia",
    "Omar",
    "Ping",
    "Qing",
    "Rosa",
    "Sam",
    "Tao",
    "Uma",
    "Wei",
    "Xin",
    "Yu",
    "Zoe",
]
NAMES_LAST = [
    "Li",
    "Wang",
    "Zhang",
    "Liu",
    "Smith",
    "Garcia",
    "Nguyen",
    "Kim",
    "Lopez",
    "Chen",
    "Huang",
    "Patel",
    "Okafor",
    "Novak",
    "Rossi",
    "Sato",
    "Dubois",
    "Haddad",
]
ZH_NAMES = ["李明", "王芳", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄婷", "周杰", "吴倩"]
ACTOR_KINDS = ["person", "account", "organisation", "government", "platform", "media"]
PUBLISHERS = [
    "Reuters",
    "The Guardian",
    "Wired",
    "Global Voices",
    "China Digital Times",
    "Newsweek",
    "Radio Free Asia",
    "Xinhua",
    "Global Times",
    "The Diplomat",
]
START, DAYS = date(2015, 1, 1), 365 * 11


def counts(n: int, mix: tuple[tuple[str, float], ...] = MIX) -> dict[str, int]:
    out = {kind: int(n * share) for kind, share in mix}
    out["event"] += n - sum(out.values())
    return out


class _Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def sentence(self, lo: int = 8, hi: int = 20) -> str:
        words = self.rng.choices(EN_WORDS, k=self.rng.randint(lo, hi))
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def paragraph(self, sentences: int, cite: int = 0) -> str:
        """Sentences of text; with ``cite`` sources, each cites one, and together all of them."""
        parts = [self.sentence() for _ in range(sentences)]
        i = self.rng.randrange(len(parts))
        parts[i] = parts[i].replace(" ", " *", 1).rstrip(".") + "*."  # some Markdown emphasis
        if self.rng.random() < 0.3:
            report = self.rng.randint(1, 9999)
            parts.append(f"See [the report](https://example.org/report/{report}).")
        if cite:
            for j in range(len(parts)):
                numbers = [j % cite + 1]
                if j == len(parts) - 1 and j < cite:  # the last cites the sources left
                    numbers = list(range(j + 1, cite + 1))
                parts[j] += "[" + ", ".join(str(n) for n in numbers) + "]"
        return " ".join(parts)

    def zh(self, k: int) -> str:
        return "，".join(self.rng.sample(ZH_PHRASES, k)) + "。"  # full-width, as Chinese is

    def day(self) -> date:
        return START + timedelta(days=self.rng.randrange(DAYS))

    def partial(self) -> str:
        d = self.day()
        r = self.rng.random()
        return str(d.year) if r < 0.05 else f"{d:%Y-%m}" if r < 0.2 else d.isoformat()

    def tags(self) -> list[str]:
        return self.rng.sample(TAGS, self.rng.randint(1, 3))

    def sources(self, k: int | None = None) -> list[dict[str, str]]:
        out = []
        for _ in range(k or self.rng.randint(1, 3)):
            n = self.rng.randint(1, 10**6)
            out.append(
                {
                    "url": f"https://news.example.org/{n}",
                    "title": self.sentence(4, 9).rstrip("."),
                    "publisher": self.rng.choice(PUBLISHERS),
                    "date": self.day().isoformat(),
                    "lang": "en",
                }
            )
        return out


def generate(n: int, out_dir: Path, seed: int = 2025, shape: str = "record") -> dict[str, int]:
    """Write ``out_dir/entries/<kind>/<id>.yaml`` for n entries, in the proportions of
    ``shape`` (``SHAPES``); returns the count per kind."""
    rng = random.Random(seed)
    w = _Writer(rng)
    form = SHAPES[shape]
    per_kind = counts(n, form["mix"])
    ids = {k: [f"{FOLDER[k][:-1]}-{i:05d}" for i in range(per_kind[k])] for k in per_kind}
    # An event's id starts with its date, as the validator requires.
    event_dates = [w.partial() for _ in ids["event"]]
    dated = zip(event_dates, ids["event"], strict=True)
    ids["event"] = [f"{when}-{entry_id}" for when, entry_id in dated]
    actors, events = ids["actor"], ids["event"]
    entries = out_dir / "entries"
    if entries.exists():
        shutil.rmtree(entries)
    for folder in FOLDER.values():
        (entries / folder).mkdir(parents=True)

    def write(kind: str, entry_id: str, data: dict) -> None:
        data["added"] = (date(2025, 1, 1) + timedelta(days=rng.randrange(700))).isoformat()
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        (entries / FOLDER[kind] / f"{entry_id}.yaml").write_text(text, encoding="utf-8")

    for i, entry_id in enumerate(actors):
        name = f"{rng.choice(NAMES_FIRST)} {rng.choice(NAMES_LAST)} {i}"
        data: dict = {"name": name, "kind": rng.choice(ACTOR_KINDS)}
        if rng.random() < 0.4:
            data["name_zh"] = rng.choice(ZH_NAMES)
        data["description"] = w.sentence()  # who they are: more would need sources
        if rng.random() < 0.5:
            data["handles"] = [{"platform": "Xiaohongshu", "handle": f"@user{i}"}]
        data["tags"] = w.tags()
        write("actor", entry_id, data)

    for entry_id, when in zip(events, event_dates, strict=True):
        data = {
            "title": w.sentence(5, 10).rstrip("."),
            "date": when,
        }
        sources = w.sources()
        data["summary"] = w.paragraph(rng.randint(*form["summary"]), cite=len(sources))
        if actors:
            data["actors"] = rng.sample(actors, min(len(actors), rng.randint(*form["actors"])))
        if rng.random() < 0.6:
            data["zh"] = {"title": w.zh(1).rstrip("。"), "summary": w.zh(rng.randint(2, 4))}
        data["tags"] = w.tags()
        if rng.random() < 0.4:
            data["related"] = sorted(set(rng.sample(events, min(len(events), 2))) - {entry_id})
        data["sources"] = sources
        write("event", entry_id, data)

    for entry_id in ids["quote"]:
        chinese = rng.random() < 0.5
        data = {
            "text": w.zh(2) if chinese else w.sentence(10, 30),
            "lang": "zh-Hans" if chinese else "en",
        }
        if chinese:
            data["translation"] = w.sentence(10, 25)
        data["speaker"] = rng.choice(actors)
        data["date"] = w.partial()
        data["platform"] = "Xiaohongshu"
        data["context"] = w.paragraph(form["context"])
        if events and rng.random() < 0.5:
            data["event"] = rng.choice(events)
        data["tags"] = w.tags()
        data["sources"] = w.sources(1)
        write("quote", entry_id, data)

    for entry_id in ids["list"]:
        items = []
        for j in range(rng.randint(10, 50)):
            # Format 1.3.0: two in three a term with its translation, the rest a topic.
            item = (
                {
                    "term": f"{rng.choice(ZH_PHRASES)}{j}",
                    "translation": w.sentence(2, 5).rstrip("."),
                }
                if j % 3
                else {"topic": w.sentence(3, 8).rstrip(".")}
            )
            items.append(
                {
                    **item,
                    "evidence": rng.choice(["tested", "reported", "leaked"]),
                    "category": rng.choice(["politics", "health", "foreign affairs", "slang"]),
                    "note": w.sentence(),
                    "first_seen": w.partial(),
                }
            )
        data = {
            "title": w.sentence(4, 8).rstrip("."),
            "platform": "Xiaohongshu",
            "compiled_by": rng.choice(actors),
            "date": w.partial(),
            "summary": w.paragraph(2),
            "tags": w.tags(),
            "items": items,
            "sources": w.sources(),
        }
        write("list", entry_id, data)
    return per_kind


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many entries")
    parser.add_argument("out_dir", type=Path, help="the folder to write entries/ into")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="record")
    args = parser.parse_args()
    made = generate(args.n, args.out_dir, args.seed, args.shape)
    print(f"wrote {sum(made.values())} entries under {args.out_dir / 'entries'}: {made}")


if __name__ == "__main__":
    main()
