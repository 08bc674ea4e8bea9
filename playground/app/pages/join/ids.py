"""Component ids of a student's page in a room (``/join``), all prefixed ``join-``.

The browser's page module (``assets/join.js``) gets this table in the contract, so it never types
an id. Most of what the page shows is drawn there, into the places named here.
"""

PAGE = "join-page"
MOUNTED = "join-mounted"
CODE = "join-code"  # a store: the room's code from the link (empty on /join)

# Before a seat: the room's code, then a nickname
ENTER = "join-enter"  # the form of the code (/join)
CODE_BOX = "join-code-box"
SEAT = "join-seat"  # the form of the nickname (/join/<code>)
SEAT_TITLE = "join-seat-title"
NICKNAME = "join-nickname"
MESSAGE = "join-message"  # what the server said (a taken nickname, no such room, too fast)

# In the room
ROOM = "join-room"
WHO = "join-who"  # room code · nickname
LEARN_RATE = "join-learn-rate"  # the room's learn rate, as the teacher set it
NOTICE = "join-notice"  # locked, closed, the round ended, the seat lost
TASK = "join-task"  # the round's task line
BOUNDARY = "join-boundary"  # the canvas: the class map and the room's training points
AXES = "join-axes"  # what the plane's axes are
READOUT = "join-readout"  # accuracy and cost on the points shown, live
SCORE = "join-score"  # the server's score of the last submission or training, and the rank

# Hand-tune: a slider for every weight and bias
TUNE = "join-tune"
SLIDERS = "join-sliders"
SUBMIT = "join-submit"
RESET = "join-reset"

# Predict, then run: the question, a button per answer, the run played back
PREDICT = "join-predict"
QUESTION = "join-question"
OPTIONS = "join-options"
VOTED = "join-voted"
RUN = "join-run"  # the run's playback: the epoch shown and the cost line
FRAME = "join-frame"
COST = "join-cost"  # a canvas: train and test cost over the run's epochs
REPLAY = "join-replay"

# Train race: a network within the round's limits, trained by the server
TRAIN = "join-train"
LIMITS = "join-limits"
LAYERS = "join-layers"  # the hidden layers' steppers (drawn by the browser)
ACTIVATIONS = "join-activations"  # a button per allowed activation (drawn by the browser)
TRAIN_LEARN_RATE = "join-train-learn-rate"
TRAIN_GO = "join-train-go"
TRAIN_MORE = "join-train-more"

IDS = {name.lower(): value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str)}
