"""Component ids of the backprop page, all prefixed ``backprop-`` so no other page's collide.

The browser's page module gets this table in the contract (``IDS``), so it never types an id.
"""

PAGE = "backprop-page"
MOUNTED = "backprop-mounted"
APPLY_CHANGE = "backprop-apply"  # the session's change: the step applied (browser)

# Walking the stages
BACK = "backprop-back"  # ‹ (key ←)
FORWARD = "backprop-forward"  # › (key →)
STAGES = "backprop-stages"  # the indicator: 1 forward, 2 cost, 3 backward, 4 update
STAGE_1 = "backprop-stage-1"
STAGE_2 = "backprop-stage-2"
STAGE_3 = "backprop-stage-3"
STAGE_4 = "backprop-stage-4"
WHERE = "backprop-where"  # "layer 1 of 2" within a stage

# The step
POINT = "backprop-point"  # which point of the batch the numbers are for
NEXT_BATCH = "backprop-next-batch"
APPLY = "backprop-apply-step"

# What a stage shows
TITLE = "backprop-title"
CAPTION = "backprop-caption"
DIAGRAM = "backprop-diagram"
NUMBERS = "backprop-numbers"  # stage 4: each weight's slider glides from before to after in its row
BOUNDARY = "backprop-boundary"  # stage 4: the boundary following the update
CHECK = "backprop-check"  # backprop against finite differences
BATCH = "backprop-batch"  # which batch, which epoch
MESSAGE = "backprop-message"

IDS = {name.lower(): value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str)}
