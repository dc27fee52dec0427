"""What the build publishes beside the pages: feeds, open data, the search index, and the site
folder itself."""
