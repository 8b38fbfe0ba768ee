"""Eight labelled pairs, two per label, for tiny train-and-overfit runs."""

EXAMPLES = [
    ("my boss yelled at me", "just tell him he's wrong", "advice-giving"),
    ("i failed the exam", "you should study with a planner next time", "advice-giving"),
    ("my dog died", "it's just a dog, get a new one", "invalidating"),
    ("i feel so lonely", "lol you're being dramatic", "invalidating"),
    ("i got dumped", "omg same, my ex dumped me last year and i cried for weeks", "self-centering"),
    ("i'm so stressed", "you think that's bad, my week was way worse", "self-centering"),
    ("my mom is sick", "that sounds really scary, i'm here for you", "validating"),
    ("i lost my job", "oh no, that must hurt so much. how are you holding up?", "validating"),
]
