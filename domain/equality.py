"""Equal-opportunities monitoring questions and their answers, in the ONS 2021 census wording for England.

Every question is optional and every one offers "Prefer not to say". Answers are only ever
counted in aggregate (see webapp/services/equality.py), never shown for a person.
"""
from __future__ import annotations

from dataclasses import dataclass

from domain.vocabulary import LabelledEnum

PREFER_NOT_TO_SAY = "prefer_not_to_say"
PREFER_NOT_TO_SAY_LABEL = "Prefer not to say"
NOT_ANSWERED = "not_answered"
NOT_ANSWERED_LABEL = "Not answered"


class Sex(LabelledEnum):
    FEMALE = ("female", "Female")
    MALE = ("male", "Male")
    PREFER_NOT_TO_SAY = (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL)


class GenderSameAsBirth(LabelledEnum):
    YES = ("yes", "Yes")
    NO = ("no", "No")
    PREFER_NOT_TO_SAY = (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL)


class AgeBand(LabelledEnum):
    UNDER_25 = ("under_25", "Under 25")
    FROM_25 = ("25_34", "25 to 34")
    FROM_35 = ("35_44", "35 to 44")
    FROM_45 = ("45_54", "45 to 54")
    FROM_55 = ("55_64", "55 to 64")
    OVER_65 = ("65_over", "65 and over")
    PREFER_NOT_TO_SAY = (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL)


class EthnicGroup(LabelledEnum):
    """The five high-level ONS 2021 groups for England: what breakdowns count by (19 backgrounds
    would leave nearly every cell too small to publish)."""

    ASIAN = ("asian", "Asian or Asian British")
    BLACK = ("black", "Black, Black British, Caribbean or African")
    MIXED = ("mixed", "Mixed or multiple ethnic groups")
    WHITE = ("white", "White")
    OTHER = ("other", "Other ethnic group")
    PREFER_NOT_TO_SAY = (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL)


class Ethnicity(LabelledEnum):
    """The 19 ONS 2021 England ethnic backgrounds; each belongs to one EthnicGroup."""

    ASIAN_BANGLADESHI = ("asian_bangladeshi", "Asian or Asian British: Bangladeshi")
    ASIAN_CHINESE = ("asian_chinese", "Asian or Asian British: Chinese")
    ASIAN_INDIAN = ("asian_indian", "Asian or Asian British: Indian")
    ASIAN_PAKISTANI = ("asian_pakistani", "Asian or Asian British: Pakistani")
    ASIAN_OTHER = ("asian_other", "Asian or Asian British: any other Asian background")
    BLACK_AFRICAN = ("black_african", "Black, Black British, Caribbean or African: African")
    BLACK_CARIBBEAN = ("black_caribbean", "Black, Black British, Caribbean or African: Caribbean")
    BLACK_OTHER = ("black_other", "Black, Black British, Caribbean or African: any other Black, Black British or Caribbean background")
    MIXED_WHITE_ASIAN = ("mixed_white_asian", "Mixed or multiple ethnic groups: White and Asian")
    MIXED_WHITE_BLACK_AFRICAN = ("mixed_white_black_african", "Mixed or multiple ethnic groups: White and Black African")
    MIXED_WHITE_BLACK_CARIBBEAN = ("mixed_white_black_caribbean", "Mixed or multiple ethnic groups: White and Black Caribbean")
    MIXED_OTHER = ("mixed_other", "Mixed or multiple ethnic groups: any other Mixed or multiple ethnic background")
    WHITE_BRITISH = ("white_british", "White: English, Welsh, Scottish, Northern Irish or British")
    WHITE_IRISH = ("white_irish", "White: Irish")
    WHITE_GYPSY_TRAVELLER = ("white_gypsy_traveller", "White: Gypsy or Irish Traveller")
    WHITE_ROMA = ("white_roma", "White: Roma")
    WHITE_OTHER = ("white_other", "White: any other White background")
    OTHER_ARAB = ("other_arab", "Other ethnic group: Arab")
    OTHER_ANY = ("other_any", "Other ethnic group: any other ethnic group")
    PREFER_NOT_TO_SAY = (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL)

    @property
    def group(self) -> EthnicGroup:
        if self is Ethnicity.PREFER_NOT_TO_SAY:
            return EthnicGroup.PREFER_NOT_TO_SAY
        return EthnicGroup(self.value.split("_", 1)[0])


class Disability(LabelledEnum):
    YES = ("yes", "Yes")
    NO = ("no", "No")
    PREFER_NOT_TO_SAY = (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL)


class SexualOrientation(LabelledEnum):
    STRAIGHT = ("straight", "Straight or heterosexual")
    GAY_LESBIAN = ("gay_lesbian", "Gay or lesbian")
    BISEXUAL = ("bisexual", "Bisexual")
    OTHER = ("other", "Other sexual orientation")
    PREFER_NOT_TO_SAY = (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL)


class Religion(LabelledEnum):
    NONE = ("none", "No religion")
    BUDDHIST = ("buddhist", "Buddhist")
    CHRISTIAN = ("christian", "Christian")
    HINDU = ("hindu", "Hindu")
    JEWISH = ("jewish", "Jewish")
    MUSLIM = ("muslim", "Muslim")
    SIKH = ("sikh", "Sikh")
    OTHER = ("other", "Any other religion")
    PREFER_NOT_TO_SAY = (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL)


class CaringResponsibility(LabelledEnum):
    NONE = ("none", "None")
    CHILDREN = ("children", "Primary carer of a child or children under 18")
    DISABLED_OR_OLDER = ("disabled_or_older", "Primary carer of a disabled or older person")
    SECONDARY = ("secondary", "Secondary carer (someone else does most of the caring)")
    PREFER_NOT_TO_SAY = (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL)


@dataclass(frozen=True)
class Characteristic:
    """One monitoring question: the column that stores it, how it is asked, and how it is counted."""

    slug: str  # URL and column name
    label: str  # as a heading over a breakdown
    question: str  # as asked on the form
    answers: type[LabelledEnum]  # what the form offers and the column stores
    groups: type[LabelledEnum]  # what a breakdown counts by (the same enum, except ethnicity)
    hint: str = ""

    def group_of(self, value: str | None) -> str:
        """The breakdown row an answer falls in (NOT_ANSWERED for no answer)."""
        if not value:
            return NOT_ANSWERED
        try:
            answer = self.answers(value)
        except ValueError:
            return NOT_ANSWERED
        return answer.group.value if isinstance(answer, Ethnicity) else answer.value


CHARACTERISTICS: tuple[Characteristic, ...] = (
    Characteristic("sex", "Sex", "What is your sex?", Sex, Sex),
    Characteristic("gender_same_as_birth", "Gender identity",
                   "Is the gender you identify with the same as your sex registered at birth?",
                   GenderSameAsBirth, GenderSameAsBirth),
    Characteristic("age_band", "Age", "What is your age?", AgeBand, AgeBand),
    Characteristic("ethnicity", "Ethnic group", "What is your ethnic group?", Ethnicity, EthnicGroup,
                   hint="Choose the one that best describes your ethnic group or background."),
    Characteristic("disability", "Disability",
                   "Do you have a physical or mental health condition or illness lasting or expected to last "
                   "12 months or more, that reduces your ability to carry out day-to-day activities?",
                   Disability, Disability, hint="This is how the Equality Act 2010 describes a disability."),
    Characteristic("sexual_orientation", "Sexual orientation",
                   "Which of the following best describes your sexual orientation?", SexualOrientation,
                   SexualOrientation),
    Characteristic("religion", "Religion", "What is your religion?", Religion, Religion),
    Characteristic("caring_responsibilities", "Caring responsibilities",
                   "Do you look after, or give help or support to, anyone because of their age, illness or "
                   "disability, or are you the main carer of a child?", CaringResponsibility, CaringResponsibility),
)

CHARACTERISTICS_BY_SLUG = {c.slug: c for c in CHARACTERISTICS}
