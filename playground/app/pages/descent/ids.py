"""Component ids of the 1-D gradient-descent page, all prefixed ``descent-``."""

PAGE = "descent-page"
MOUNTED = "descent-mounted"
CONTROLS_CHANGE = "descent-controls"  # the session's change: the controls (a server callback)
BALL_CHANGE = "descent-ball"  # the session's change: the run loop (browser)

PRESET = "descent-preset"
FORMULA = "descent-formula"
FORMULA_MESSAGE = "descent-formula-message"
LESSON = "descent-lesson"

LEARN = "descent-learn"
RUN = "descent-run"
RESET = "descent-reset"
LEARN_RATE = "descent-learn-rate"
LEARN_RATE_VALUE = "descent-learn-rate-value"
REGIME = "descent-regime"
SLOPE = "descent-slope"
STEP_H = "descent-h"
MOMENTUM_ON = "descent-momentum-on"
MOMENTUM = "descent-momentum"
SPEED = "descent-speed"

GRAPH = "descent-graph"
STEPS_GRAPH = "descent-steps-graph"
READOUTS = "descent-readouts"
MESSAGE = "descent-message"

IDS = {name.lower(): value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str)}
