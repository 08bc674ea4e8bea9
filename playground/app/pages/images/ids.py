"""Component ids of the image page (all prefixed ``images-``; the browser module reads IDS)."""

PAGE = "images-page"
MOUNTED = "images-mounted"
TABS = "images-tabs"
TICKER = "images-ticker"  # polls the session's job while one is active
JOB = "images-job"  # the last status read from the job store (what the page shows)
MODEL = "images-model"  # which model the views show: {"job": …, "data": …} (changes when a new one is ready)
LAUNCH = "images-launch"  # a claimed job's id and settings: launches the background callback
START_RESULT = "images-start-result"  # the background callback's own output
CONFIG_CHANGE = "images-config"  # the session's change: the controls' settings
MODEL_CHANGE = "images-model-change"  # the session's change: a new model (the poll found it)

# data, presets, controls
DATASET = "images-dataset"
DATA_STATUS = "images-data-status"
PRESET = "images-preset"
PRESET_SOURCE = "images-preset-source"
LAYERS = "images-layers"
ACTIVATION = "images-activation"
OUTPUT = "images-output"
COST = "images-cost"
OPTIMIZER = "images-optimizer"
LEARN_RATE = "images-learn-rate"
DECAY = "images-decay"
MOMENTUM = "images-momentum"
BATCH_SIZE = "images-batch-size"
EPOCHS = "images-epochs"
L2 = "images-l2"
INPUT_NOISE = "images-input-noise"
SEED = "images-seed"
TRAIN_SAMPLES = "images-train-samples"
SHUFFLED = "images-shuffled"
ROTATE = "images-rotate"
SCALE = "images-scale"
SHIFT = "images-shift"
PIXEL_NOISE = "images-pixel-noise"
FLIP = "images-flip"
PREVIEW = "images-preview"
CONFIG_MESSAGE = "images-config-message"

# the job
START = "images-start"
PAUSE = "images-pause"
STOP = "images-stop"
PROGRESS = "images-progress"
PROGRESS_TEXT = "images-progress-text"
JOB_MESSAGE = "images-job-message"
START_MESSAGE = "images-start-message"  # why a start was refused
CURVES = "images-curves"

# evaluation
CONFUSION = "images-confusion"
NORMALISE = "images-normalise"
PER_CLASS = "images-per-class"
CELL_IMAGES = "images-cell-images"
THUMB = "images-thumb"  # pattern-matching id type of a thumbnail (click: show it in the browser)
CELL_CAPTION = "images-cell-caption"
BROWSER_IMAGE = "images-browser-image"
BROWSER_TEXT = "images-browser-text"
BROWSER_INDEX = "images-browser-index"  # which test image the browser shows
NEXT_MISTAKE = "images-next-mistake"
PREVIOUS = "images-previous"
NEXT = "images-next"
CONFIDENT_MISTAKES = "images-confident-mistakes"
EVALUATION_MESSAGE = "images-evaluation-message"

# draw your own
CANVAS = "images-canvas"
CLEAR = "images-clear"
DRAW_STEPS = "images-draw-steps"
RANKING = "images-ranking"
DRAW_MESSAGE = "images-draw-message"

# look inside, look deeper
FIRST_LAYER = "images-first-layer"
FIRST_LAYER_CAPTION = "images-first-layer-caption"
FEATURE_MAPS = "images-feature-maps"
FEATURE_CAPTION = "images-feature-caption"
NOISE_ANSWER = "images-noise-answer"
NOISE_AGAIN = "images-noise-again"
NOISE_RANKING = "images-noise-ranking"
MAP_LAYER = "images-map-layer"
MAP_METHOD = "images-map-method"
MAP_GRAPH = "images-map-graph"
MAP_TOOLTIP = "images-map-tooltip"
MAP_DRAW = "images-map-draw"
MAP_MESSAGE = "images-map-message"
MAP_PROGRESS = "images-map-progress"  # the map job: how far it has come
ROBUSTNESS = "images-robustness"
THRESHOLD = "images-threshold"
THRESHOLD_TEXT = "images-threshold-text"
THRESHOLD_GRAPH = "images-threshold-graph"

# models
DOWNLOAD = "images-download"
DOWNLOAD_FILE = "images-download-file"
UPLOAD = "images-upload"  # a plain file input: the browser module posts the file to the model route
UPLOAD_DATA = "images-upload-data"
MODEL_MESSAGE = "images-model-message"
MODEL_SUMMARY = "images-model-summary"
UPLOADED = "images-uploaded"  # set by the browser module when the route has taken a model
SCORE_RESULT = "images-score-result"  # how the scoring job of an uploaded model ended

IDS = {name.lower(): value for name, value in dict(globals()).items() if name.isupper()}
