"""The app in a browser: ``quizapp serve`` runs one app process per browser tab through
textual-serve, behind a secret token and an Origin check (guard), on a page that loads nothing
from another host (page.html)."""
