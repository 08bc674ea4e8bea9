"""Component ids of a room's projector page (``/room/<code>``), all prefixed ``room-``.

Most of the page is filled by its browser module (``assets/room.js``), which polls the room's
HTTP API (docs/rooms.md); it gets this table in the contract, so it never types an id.
"""

PAGE = "room-page"
MOUNTED = "room-mounted"
ROOM = "room-code-store"  # {"code": …}: which room this page shows

# Joining: the code, the QR code, the link, the counts
CODE = "room-code"
QR = "room-qr"
JOIN_LINK = "room-join-link"
COUNTS = "room-counts"
ROUND_LINE = "room-round-line"  # the round: its kind, number and state
MESSAGE = "room-message"  # what the API answered (an error, a teacher's action done)

# The board, the best boundary, the gallery
BOARD = "room-board"
BEST = "room-best"
BEST_CANVAS = "room-best-canvas"
BEST_CAPTION = "room-best-caption"
GALLERY = "room-gallery"
GALLERY_COUNT = "room-gallery-count"

# A predict round: the question, the votes before and after the run, the run played back
VOTES = "room-votes"
QUESTION = "room-question"
VOTES_BEFORE = "room-votes-before"
VOTES_AFTER = "room-votes-after"
RUN = "room-run"
RUN_CANVAS = "room-run-canvas"
RUN_COST = "room-run-cost"
RUN_CAPTION = "room-run-caption"
REPLAY = "room-replay"

# The teacher's controls (shown only with the teacher's token from the link's #teacher=)
TEACHER = "room-teacher"
END_ROUND = "room-end-round"
RUN_ROUND = "room-run-round"
LEARN_RATE = "room-learn-rate"
PUSH_LEARN_RATE = "room-push-learn-rate"
LOCK = "room-lock"
CLOSE = "room-close"
NEW_ROUND = "room-new-round"  # the new round's form (a <details>)
KIND = "room-kind"
QUESTION_INPUT = "room-question-input"
OPTIONS = "room-options"  # one input per answer: room-option-0 … room-option-5
OPTION_PREFIX = "room-option-"
ROUND_LEARN_RATE = "room-round-learn-rate"
EPOCHS = "room-epochs"
MAX_LAYERS = "room-max-layers"
MAX_WIDTH = "room-max-width"
ACTIVATIONS = "room-activations"
START_ROUND = "room-start-round"

IDS = {name.lower(): value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str)}
