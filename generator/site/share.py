"""The image shown with a shared link to any page (``og:image``): the publisher's or the theme's."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from generator.core.config import SiteConfig
from generator.core.errors import ConfigError
from generator.format.kinds import TEMPLATES_DIR

DEFAULT = "assets/share.png"  # 1200×630, in the generator's theme
THEME = TEMPLATES_DIR / "theme"
# Cards show an image large from about 600×314 (Facebook's and X's wide cards, 1.91:1).
LARGE = (600, 314)


@dataclass(frozen=True, kw_only=True)
class ShareImage:
    path: str  # in the site, from its root
    width: int
    height: int
    media_type: str
    alt: str

    @property
    def large(self) -> bool:
        """Big and wide enough for a large card (``summary_large_image``), not a thumbnail."""
        return self.width >= LARGE[0] and self.height >= LARGE[1] and self.width > self.height

    def theme_values(self) -> dict[str, Any]:
        """What the theme prints in every page's head (``main.html``)."""
        return {
            "url": quote(self.path),
            "width": self.width,
            "height": self.height,
            "type": self.media_type,
            "alt": self.alt,
            "large": self.large,
        }


def share_image(config: SiteConfig, docs_dir: Path, theme_dir: Path | None) -> ShareImage:
    """The configured image (``extra.record.share_image``), found where MkDocs publishes it
    from: docs/, the knowledge base's own theme folder, or the generator's theme."""
    where = f"{config.path}: extra.record.share_image"
    name = config.share_image or DEFAULT
    parts = PurePosixPath(name).parts
    if not parts or PurePosixPath(name).is_absolute() or ".." in parts or "\\" in name:
        raise ConfigError(
            f"{where}: {name!r} is not a path in the site; give one such as assets/share.png"
        )
    folders = [docs_dir, *([theme_dir] if theme_dir else []), THEME]
    found = next((f / name for f in folders if (f / name).is_file()), None)
    if found is None:
        raise ConfigError(
            f"{where}: there is no file {name} in {docs_dir.name}/"
            + (f" or {theme_dir.name}/" if theme_dir else "")
            + f"; put the image at {docs_dir.name}/{name}, or name the file it is"
        )
    size = image_size(found.read_bytes())
    if size is None:
        raise ConfigError(f"{where}: {name} is not a PNG, JPEG or GIF image; use one of those")
    width, height, media_type = size
    return ShareImage(
        path=name,
        width=width,
        height=height,
        media_type=media_type,
        alt=config.share_image_alt or config.site_name,
    )


_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def image_size(head: bytes) -> tuple[int, int, str] | None:
    """Width, height and media type of a PNG, JPEG or GIF file's bytes; None for others."""
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        width, height = struct.unpack(">II", head[16:24])
        return width, height, "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        width, height = struct.unpack("<HH", head[6:10])
        return width, height, "image/gif"
    if head.startswith(b"\xff\xd8"):
        at = 2
        while at + 9 <= len(head) and head[at] == 0xFF:
            marker = head[at + 1]
            if marker in _JPEG_FRAMES:
                height, width = struct.unpack(">HH", head[at + 5 : at + 9])
                return width, height, "image/jpeg"
            at += 2 + struct.unpack(">H", head[at + 2 : at + 4])[0]
    return None
