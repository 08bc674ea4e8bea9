"""Component ids of the playground page, all prefixed ``playground-`` so no other page's collide.

The browser's page module gets this table in the contract (``IDS``), so it never types an id.
"""

PAGE = "playground-page"
LINK = "playground-link"  # the #fragment of a shared link, once the page has it
MOUNTED = "playground-mounted"
BODY = "playground-body"  # all but the share bar: what a loaded state or a lesson rebuilds

# The page's changes of the session (each the source of a change store, with one writer)
DATA_CHANGE = "playground-data"  # the data callback: new, clicked, uploaded points
NETWORK_CHANGE = "playground-network"  # the network controls
SETTINGS_CHANGE = "playground-settings"  # the learning controls (browser)
SLIDERS_CHANGE = "playground-sliders"  # a weight slider let go (browser)
PLAY_CHANGE = "playground-play"  # the run loop: play, step, back to before a run (browser)
REPLACE_CHANGE = "playground-replace"  # a shared link, a JSON file or a lesson: the whole session
LOOK_CHANGE = "playground-look"  # the boundary's view settings (discretize, show test data)

# Page-level stores
VIEW = "playground-view"
SLIDER_SHAPE = "playground-slider-shape"  # which sliders are on the page (the architecture, layer, node)
PLANE_CLICK = "playground-plane-click"
DONE = "playground-done"  # the output of browser callbacks that only act
JSON_DOWNLOAD = "playground-json-download"

# Learning controls
RESET = "playground-reset"
STEP = "playground-step"
PLAY = "playground-play"
EPOCH_LABEL = "playground-epoch-label"
LEARN_RATE = "playground-learn-rate"
LEARN_RATE_LABEL = "playground-learn-rate-label"
LEARN_RATE_VALUE = "playground-learn-rate-value"  # the box to type it exactly
BATCH_SIZE = "playground-batch-size"
OPTIMIZER = "playground-optimizer"
MOMENTUM = "playground-momentum"
L2 = "playground-l2"
L1 = "playground-l1"
GRADIENT = "playground-gradient"
TIMING = "playground-timing"
TRAIN_MESSAGE = "playground-train-message"
UNDO_RUN = "playground-undo-run"  # after a divergence: back to the weights the run started from
STEP_NOTE = "playground-step-note"  # what a single step shows (its batch, the boundary before it)

# Data
DATASET = "playground-dataset"
NOISE = "playground-noise"
NOISE_HINT = "playground-noise-hint"
TEST_FRACTION = "playground-test-fraction"
SAMPLES = "playground-samples"
DATA_SEED = "playground-data-seed"
REGENERATE = "playground-regenerate"
CLICK_CLASS = "playground-click-class"
CSV_UPLOAD = "playground-csv-upload"
DATA_MESSAGE = "playground-data-message"
UNDO_ROW = "playground-undo-row"
UNDO_DATA = "playground-undo-data"
UNDO_STORE = "playground-undo-store"

# Network
PRESET_2_2 = "playground-preset-2-2"
PRESET_2_3_2 = "playground-preset-2-3-2"
PRESET_CIRCLE = "playground-preset-circle"  # feature inputs x1², x2² on the circle, no hidden layer
PRESET_XOR = "playground-preset-xor"  # the one input x1·x2 on XOR
FEATURES = "playground-features"  # which of the seven feature inputs the network takes
PRESET_SOURCE = "playground-preset-source"
ADD_LAYER = "playground-add-layer"
REMOVE_LAYER = "playground-remove-layer"
LAYER_CONTROLS = "playground-layer-controls"
OUTPUT_ACTIVATION = "playground-output-activation"
COST = "playground-cost"
WEIGHT_SEED = "playground-weight-seed"
NETWORK_MESSAGE = "playground-network-message"
DIAGRAM_LEGEND = "playground-diagram-legend"  # what the diagram's two colours mean
NETWORK_CANVAS = "playground-network-canvas"
EXPORT_NETWORK = "playground-export-network"
EXPORT_NETWORK_SVG = "playground-export-network-svg"

# Output
BOUNDARY_CANVAS = "playground-boundary-canvas"
BOUNDARY_GRAPH = "playground-boundary-graph"
EXPORT_BOUNDARY = "playground-export-boundary"
EXPORT_BOUNDARY_SVG = "playground-export-boundary-svg"
FULL_BOUNDARY = "playground-full-boundary"  # the boundary in full view
BOUNDARY_WRAPPER = "playground-boundary-wrapper"
READOUTS = "playground-readouts"
DISCRETIZE = "playground-discretize"  # hard classes instead of confidence shading
SHOW_TEST = "playground-show-test"  # the test points on the boundary
COST_GRAPH = "playground-cost-graph"
COST_LOG = "playground-cost-log"
PLAY_SPEED = "playground-play-speed"

# Neuroevolution beside gradient descent (SPEC F20)
RACE = "playground-race"
RACE_BUDGET_KIND = "playground-race-budget-kind"
RACE_SAMPLES = "playground-race-samples"
RACE_SECONDS = "playground-race-seconds"
RACE_SAMPLES_CONTROL = "playground-race-samples-control"
RACE_SECONDS_CONTROL = "playground-race-seconds-control"
RACE_BUDGET_RULE = "playground-race-budget-rule"
RACE_POPULATION = "playground-race-population"
RACE_SURVIVORS = "playground-race-survivors"
RACE_MUTATION_RATE = "playground-race-mutation-rate"
RACE_MUTATION_SIZE = "playground-race-mutation-size"
RACE_CROSSOVER = "playground-race-crossover"
RACE_MESSAGE = "playground-race-message"
RACE_BUDGET = "playground-race-budget"
RACE_EVOLUTION_USED = "playground-race-evolution-used"
RACE_GRADIENT_USED = "playground-race-gradient-used"
RACE_RESULT = "playground-race-result"
RACE_BOUNDARIES = "playground-race-boundaries"
RACE_COSTS = "playground-race-costs"
LR_LESSON = "playground-lr-lesson"
LR_LESSON_NOTE = "playground-lr-lesson-note"

# Weights and biases
SLIDER_LAYER = "playground-slider-layer"
SLIDER_NODE = "playground-slider-node"
SLIDER_CAPTION = "playground-slider-caption"
SLIDERS = "playground-sliders"
WEIGHT_SLIDER = "playground-weight-slider"  # pattern-matching id types
BIAS_SLIDER = "playground-bias-slider"
LAYER_WIDTH = "playground-layer-width"
LAYER_ACTIVATION = "playground-layer-activation"

# Share and save
SHARE = "playground-share"
SHARE_LINK = "playground-share-link"
SHARE_FRAGMENT = "playground-share-fragment"  # the state as a link's #fragment, once made
SAVE_JSON = "playground-save-json"
JSON_UPLOAD = "playground-json-upload"
MOMENTUM_HINT = "playground-momentum-hint"
L2_HINT = "playground-l2-hint"
L1_HINT = "playground-l1-hint"
SHARE_MESSAGE = "playground-share-message"

# Exercise links (exercise_layout.py): the task banner on top, the teacher's panel
EXERCISE_CHANGE = "playground-exercise"  # the source of the exercise's changes (try it here, open freely)
EXERCISE_CONFIG = "playground-exercise-config"  # what exercise.js needs: each control's elements
EXERCISE_BANNER = "playground-exercise-banner"
EXERCISE_TASK = "playground-exercise-task"
EXERCISE_GOAL = "playground-exercise-goal"
EXERCISE_NOW = "playground-exercise-now"  # the measure now (left out when the readouts are hidden)
EXERCISE_DONE = "playground-exercise-done"  # "done ✓" once the condition holds
EXERCISE_LEAVE = "playground-exercise-leave"  # "open freely": every control back
EXERCISE_PANEL = "playground-exercise-panel"
EXERCISE_HIDE = "playground-exercise-hide"
EXERCISE_LOCK = "playground-exercise-lock"
EXERCISE_HIDE_LAYERS = "playground-exercise-hide-layers"
EXERCISE_LOCK_LAYERS = "playground-exercise-lock-layers"
EXERCISE_WEIGHTS = "playground-exercise-weights"  # single weights: {"hidden": [address, …], "locked": […]}
EXERCISE_WEIGHTS_TEXT = "playground-exercise-weights-text"
EXERCISE_TASK_INPUT = "playground-exercise-task-input"
EXERCISE_MEASURE = "playground-exercise-measure"
EXERCISE_COMPARISON = "playground-exercise-comparison"
EXERCISE_THRESHOLD = "playground-exercise-threshold"
EXERCISE_MAKE_LINK = "playground-exercise-make-link"
EXERCISE_TRY = "playground-exercise-try"
EXERCISE_LINK = "playground-exercise-link"
EXERCISE_FRAGMENT = "playground-exercise-fragment"
EXERCISE_MESSAGE = "playground-exercise-message"
ROOM_OPEN = "playground-room-open"  # "open a room" (SPEC F28): the room's projector in a new tab
ROOM_PUSH = "playground-room-push"  # this network and these points to the room this computer opened last

IDS = {name.lower(): value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str)}
