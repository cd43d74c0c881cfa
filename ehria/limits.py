"""The sizes the service accepts, in one place: answers, comments and tables."""

# One text answer or comment.
TEXT_MAX_LENGTH = 20_000
# All of one revision's answers, as JSON: far beyond any real assessment (the worked
# examples are about 10,000), and small enough that its PDF renders in seconds.
ANSWERS_MAX_LENGTH = 200_000
# Repeating rows (the improvement plan), unless the template says otherwise.
DEFAULT_MAX_ROWS = 100
