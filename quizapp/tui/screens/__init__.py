"""The app's screens: home, study, summary, help (stats and browser live beside them)."""
