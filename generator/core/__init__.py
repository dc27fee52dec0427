"""The base every step stands on: dates, Markdown and text, problems and errors, the configuration,
git, parallel work, paging."""
