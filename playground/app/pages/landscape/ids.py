"""Component ids of the landscape page, all prefixed ``landscape-``."""

PAGE = "landscape-page"
MOUNTED = "landscape-mounted"
TABS = "landscape-tabs"

# The page's changes of the session (each the source of a change store, with one writer)
WALK_CHANGE = "landscape-walk"  # the walk's controls (a server callback)
RUN_CHANGE = "landscape-run"  # the run loop: play and step (browser)

# Two parameters (SPEC F9)
SOURCE = "landscape-source"
PRESET = "landscape-preset"
PRESET_NOTE = "landscape-preset-note"
PICKERS = "landscape-parameter-pickers"
FIRST = "landscape-first"
SECOND = "landscape-second"
SPAN = "landscape-span"
RESOLUTION = "landscape-resolution"
VIEW = "landscape-view"
TRAIN_ALL = "landscape-train-all"
LOG_SCALE = "landscape-log"
OPTIMIZER = "landscape-optimizer"
LEARN_RATE = "landscape-learn-rate"
LEARN_RATE_LABEL = "landscape-learn-rate-label"
LEARN_RATE_VALUE = "landscape-learn-rate-value"  # the box to type it exactly
MOMENTUM = "landscape-momentum"
STEP = "landscape-step"
PLAY = "landscape-play"
RESET = "landscape-reset"
SURFACE_GRAPH = "landscape-surface"
CONTOUR_GRAPH = "landscape-contour"
PATH_GRAPH = "landscape-path"  # the path, in a see-through graph laid over the contour
CLICK = "landscape-click"  # where the contour was clicked (from the page's browser module)
BATCH_GRAPH = "landscape-batch-contour"
PLANE_GRAPH = "landscape-plane"
CURVATURE = "landscape-curvature"
STATUS = "landscape-status"
MESSAGE = "landscape-message"

# Optimizer race (SPEC F10)
RACE_SOURCE = "landscape-race-source"
RACE_MODE = "landscape-race-mode"
RACE_RATES = "landscape-race-rates"
RACE_OPTIMIZER = "landscape-race-optimizer"
RACE_STEPS = "landscape-race-steps"
RACE_START = "landscape-race-start"
RACE_GO = "landscape-race-go"
RACE_CONTOUR = "landscape-race-contour"
RACE_SURFACE = "landscape-race-surface"
RACE_COSTS = "landscape-race-costs"
RACE_RESULT = "landscape-race-result"

# Big networks (SPEC F11)
SLICE_SOURCE = "landscape-slice-source"
SLICE_UPLOAD = "landscape-slice-upload"
SLICE_DATA = "landscape-slice-data"
SLICE_STEPS = "landscape-slice-steps"
SLICE_SPAN = "landscape-slice-span"
SLICE_SAMPLES = "landscape-slice-samples"
SLICE_NORMALISATION = "landscape-slice-normalisation"
SLICE_LOG = "landscape-slice-log"
SLICE_GO = "landscape-slice-go"
SLICE_CANCEL = "landscape-slice-cancel"
SLICE_PROGRESS = "landscape-slice-progress"
SLICE_SURFACE = "landscape-slice-surface"
SLICE_CONTOUR = "landscape-slice-contour"
SLICE_MESSAGE = "landscape-slice-message"
SLICE_RESULT = "landscape-slice-result"

IDS = {name.lower(): value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str)}
