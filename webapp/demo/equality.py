"""Equal-opportunities answers for the demo's social workers, shaped like London's workforce."""
from __future__ import annotations

import random

from webapp.models import EqualityAnswers, User

# Roughly the shape of London's children's social workforce, so the demo breakdowns look real:
# most answer, some skip questions, a few prefer not to say; every small group is suppressed.
_DEMO_WEIGHTS: dict[str, dict[str | None, int]] = {
    "sex": {"female": 78, "male": 17, "prefer_not_to_say": 3, None: 2},
    "gender_same_as_birth": {"yes": 88, "no": 2, "prefer_not_to_say": 5, None: 5},
    "age_band": {"under_25": 8, "25_34": 32, "35_44": 27, "45_54": 20, "55_64": 9, "65_over": 1,
                 "prefer_not_to_say": 3},
    "ethnicity": {"white_british": 34, "white_irish": 3, "white_other": 8, "black_african": 16,
                  "black_caribbean": 8, "black_other": 2, "asian_indian": 5, "asian_pakistani": 3,
                  "asian_bangladeshi": 3, "asian_other": 2, "mixed_white_black_caribbean": 3,
                  "mixed_other": 3, "other_any": 2, "other_arab": 1, "prefer_not_to_say": 5},
    "disability": {"no": 80, "yes": 11, "prefer_not_to_say": 6, None: 3},
    "sexual_orientation": {"straight": 80, "gay_lesbian": 5, "bisexual": 4, "other": 1,
                           "prefer_not_to_say": 8, None: 2},
    "religion": {"none": 33, "christian": 38, "muslim": 12, "hindu": 3, "jewish": 2, "sikh": 1, "buddhist": 1,
                 "other": 2, "prefer_not_to_say": 8},
    "caring_responsibilities": {"none": 55, "children": 30, "disabled_or_older": 6, "secondary": 4,
                                "prefer_not_to_say": 5},
}


def seed_demo_answers(session, candidates: list[User], seed: int, share: float = 0.8) -> int:
    """Give about ``share`` of the demo's social workers answers. Its own random stream, so adding
    this left the rest of the demo exactly as it was."""
    rng = random.Random(f"equality:{seed}")
    count = 0
    for user in candidates:
        if rng.random() >= share:
            continue
        values = {field: rng.choices(list(w), list(w.values()))[0] for field, w in _DEMO_WEIGHTS.items()}
        session.add(EqualityAnswers(user_id=user.id, **values))
        count += 1
    session.flush()
    return count
