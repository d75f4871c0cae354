"""The Textual interface: screens, widgets and stylesheets only; the study loop is quizapp.session."""
