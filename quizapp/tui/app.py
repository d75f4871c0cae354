"""The Textual application (placeholder until the TUI lands)."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class QuizApp(App):
    TITLE = "quizapp"
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("quizapp: normalization and regularization for ML interviews.", id="welcome")
        yield Footer()
