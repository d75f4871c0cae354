"""Interview day: what a learner with an interview coming needs besides the daily queue.

- :mod:`~quizapp.interview.dates`: the interview date, and the moment readiness is taken at;
- :mod:`~quizapp.interview.readiness`: per topic and overall, the mean FSRS recall probability of
  every card on the interview date;
- :mod:`~quizapp.interview.plan`: new cards a day to be done in time, the expected reviews per day,
  the topics that stay below the target;
- :mod:`~quizapp.interview.cram`: the cards to cram, weakest at the date first;
- :mod:`~quizapp.interview.mock`: a timed mock interview that follows up on one concept at a time;
- :mod:`~quizapp.interview.misconceptions`: each misconception shown gets its own FSRS memory,
  replayed from the review log (:mod:`~quizapp.interview.memory_cache` keeps the memories in the
  database and replays only what changed), and is re-tested when due
  (:mod:`~quizapp.interview.retests`).

Nothing here prints or draws: the commands (quizapp.cli.plan, cram, mock) and the screens do.
"""
