"""The app makes today's backup in a worker once the home screen is drawn; a backup that cannot be
made is a warning, and the app goes on."""

from __future__ import annotations

from quizapp.backups import backups_of

from .support import SIZE, settle, wait_until


async def test_the_daily_backup_is_made_after_the_home_screen_is_drawn(make_app, db_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        [backup] = backups_of(db_path)
        assert "-daily-20260310T120000Z" in backup.path.name
        assert app.screen.id == "home"


async def test_a_backup_that_cannot_be_made_is_a_warning(make_app, db_path):
    app = make_app()
    (db_path.parent / "backups").write_text("a file where the folder would go")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: any(n.title == "No backup today" for n in app._notifications))
        [notice] = app._notifications
        assert "could not back up" in notice.message and "\n" not in notice.message
        assert app.screen.id == "home" and app.is_running
