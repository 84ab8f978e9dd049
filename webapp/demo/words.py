"""Word lists for the demo seed: the profession's titles, teams, offers and names, in one place.

Everything here is illustrative demo content, not any council's real offer, rating or pay.
Salaries are annual, in pounds, and include London weighting.
"""
from __future__ import annotations

from domain.vocabulary import (
    ApplicationStatus,
    OfferDeclineReason,
    OfstedRating,
    RoleLevel,
    ServiceArea,
)

# --- Pay ------------------------------------------------------------------------------------

# The band a demo vacancy's salary_min and salary_max both fall inside, by role level.
SALARY_BANDS: dict[RoleLevel, tuple[int, int]] = {
    RoleLevel.STUDENT: (24_000, 29_000),  # social work degree apprentices, paid while they study
    RoleLevel.NQSW: (36_000, 40_000),
    RoleLevel.SOCIAL_WORKER: (40_000, 48_000),
    RoleLevel.SENIOR_PRACTITIONER: (46_000, 54_000),
    RoleLevel.ADVANCED_PRACTITIONER: (50_000, 58_000),
    RoleLevel.ASSISTANT_TEAM_MANAGER: (50_000, 57_000),
    RoleLevel.TEAM_MANAGER: (55_000, 65_000),
    RoleLevel.SERVICE_MANAGER: (68_000, 80_000),
    RoleLevel.IRO_CP_CHAIR: (52_000, 60_000),
    RoleLevel.PRINCIPAL_SOCIAL_WORKER: (65_000, 76_000),
}

# How many of the ~350 live demo vacancies each role level gets, roughly (weights).
ROLE_LEVEL_WEIGHTS: dict[RoleLevel, int] = {
    RoleLevel.STUDENT: 2,
    RoleLevel.NQSW: 12,
    RoleLevel.SOCIAL_WORKER: 36,
    RoleLevel.SENIOR_PRACTITIONER: 18,
    RoleLevel.ADVANCED_PRACTITIONER: 5,
    RoleLevel.ASSISTANT_TEAM_MANAGER: 8,
    RoleLevel.TEAM_MANAGER: 8,
    RoleLevel.SERVICE_MANAGER: 3,
    RoleLevel.IRO_CP_CHAIR: 5,
    RoleLevel.PRINCIPAL_SOCIAL_WORKER: 1,
}

SERVICE_AREA_WEIGHTS: dict[ServiceArea, int] = {
    ServiceArea.MASH: 7,
    ServiceArea.ASSESSMENT: 10,
    ServiceArea.CHILD_PROTECTION: 14,
    ServiceArea.CHILDREN_IN_NEED: 10,
    ServiceArea.CHILDREN_LOOKED_AFTER: 10,
    ServiceArea.CARE_LEAVERS: 6,
    ServiceArea.FOSTERING: 6,
    ServiceArea.ADOPTION: 4,
    ServiceArea.DISABLED_CHILDREN: 7,
    ServiceArea.YOUTH_JUSTICE: 5,
    ServiceArea.EXPLOITATION: 6,
    ServiceArea.EDGE_OF_CARE: 5,
}

# Some roles only exist in some services: an IRO reviews care plans, a CP chair chairs conferences.
ROLE_LEVEL_AREAS: dict[RoleLevel, tuple[ServiceArea, ...]] = {
    RoleLevel.IRO_CP_CHAIR: (ServiceArea.CHILDREN_LOOKED_AFTER, ServiceArea.CHILD_PROTECTION),
    RoleLevel.PRINCIPAL_SOCIAL_WORKER: (ServiceArea.ASSESSMENT, ServiceArea.CHILD_PROTECTION),
}

# Who carries a caseload of children (managers, IROs and the PSW do not, in this sense).
CASEHOLDING_LEVELS = frozenset({
    RoleLevel.STUDENT,
    RoleLevel.NQSW,
    RoleLevel.SOCIAL_WORKER,
    RoleLevel.SENIOR_PRACTITIONER,
    RoleLevel.ADVANCED_PRACTITIONER,
    RoleLevel.ASSISTANT_TEAM_MANAGER,
})
CASELOAD_RANGE = (12, 22)  # typical maximum number of children, for case-holding posts
NQSW_CASELOAD_RANGE = (12, 15)  # a protected ASYE caseload sits at the bottom of the range
MARKET_SUPPLEMENT_AREAS = frozenset({
    ServiceArea.MASH, ServiceArea.ASSESSMENT, ServiceArea.CHILD_PROTECTION, ServiceArea.CHILDREN_IN_NEED,
})

# --- Titles and teams -------------------------------------------------------------------------

# What a service area is called in a job title, and what its teams are called.
AREA_TITLE: dict[ServiceArea, tuple[str, ...]] = {
    ServiceArea.MASH: ("MASH", "Front Door", "MASH and Front Door"),
    ServiceArea.ASSESSMENT: ("Assessment", "Assessment and Intervention", "First Response"),
    ServiceArea.CHILD_PROTECTION: ("Child Protection", "Safeguarding and Child Protection", "Family Safeguarding"),
    ServiceArea.CHILDREN_IN_NEED: ("Children in Need", "Children in Need and Child Protection", "Family Support and Safeguarding"),
    ServiceArea.CHILDREN_LOOKED_AFTER: ("Children Looked After", "Children in Care", "Looked After Children"),
    ServiceArea.CARE_LEAVERS: ("Leaving Care", "Care Leavers", "Young People's Service (Care Leavers)"),
    ServiceArea.FOSTERING: ("Fostering", "Fostering Assessment", "Kinship and Connected Carers"),
    ServiceArea.ADOPTION: ("Adoption", "Adoption and Permanence", "Permanence"),
    ServiceArea.DISABLED_CHILDREN: ("Children with Disabilities", "Disabled Children's Service", "Children with Disabilities (0–25)"),
    ServiceArea.YOUTH_JUSTICE: ("Youth Justice", "Youth Justice Service", "Youth Offending Service"),
    ServiceArea.EXPLOITATION: ("Exploitation and Missing", "Contextual Safeguarding", "Adolescent Safeguarding"),
    ServiceArea.EDGE_OF_CARE: ("Edge of Care", "Edge of Care and Reunification", "Family Intervention"),
}

TEAM_NAMES: dict[ServiceArea, tuple[str, ...]] = {
    ServiceArea.MASH: ("MASH", "Front Door Team", "Multi-Agency Safeguarding Hub"),
    ServiceArea.ASSESSMENT: ("Assessment Team {n}", "Referral and Assessment", "Duty and Assessment Team"),
    ServiceArea.CHILD_PROTECTION: ("Child Protection Team {n}", "Safeguarding Team {n}", "Family Safeguarding Team {n}"),
    ServiceArea.CHILDREN_IN_NEED: ("Children in Need Team {n}", "Family Support Team {n}", "CIN/CP Team {n}"),
    ServiceArea.CHILDREN_LOOKED_AFTER: ("Children in Care Team {n}", "Looked After Children Team {n}", "Permanence Team"),
    ServiceArea.CARE_LEAVERS: ("Leaving Care Team", "Care Leavers Service", "16+ Team"),
    ServiceArea.FOSTERING: ("Fostering Team", "Fostering Recruitment and Assessment", "Supervising Social Work Team"),
    ServiceArea.ADOPTION: ("Adoption Team", "Regional Adoption Agency (local hub)", "Permanence Team"),
    ServiceArea.DISABLED_CHILDREN: ("Children with Disabilities Team", "Disabled Children's Team", "0–25 Disability Service"),
    ServiceArea.YOUTH_JUSTICE: ("Youth Justice Service", "Youth Offending Team", "Youth Justice and Prevention"),
    ServiceArea.EXPLOITATION: ("Exploitation Team", "Contextual Safeguarding Team", "Missing and Exploitation Hub"),
    ServiceArea.EDGE_OF_CARE: ("Edge of Care Team", "Family Intervention Service", "Reunification Team"),
}

# Title patterns by role level; {area} is a name from AREA_TITLE, {team} from TEAM_NAMES.
TITLE_PATTERNS: dict[RoleLevel, tuple[str, ...]] = {
    RoleLevel.STUDENT: (
        "Social Work Degree Apprentice – {area}",
        "Social Work Apprentice, {area}",
    ),
    RoleLevel.NQSW: (
        "Newly Qualified Social Worker (ASYE) – {area}",
        "ASYE Social Worker, {area}",
        "NQSW – {area}",
    ),
    RoleLevel.SOCIAL_WORKER: (
        "Social Worker – {area}",
        "Social Worker, {team}",
        "Experienced Social Worker – {area}",
        "Social Worker (Level 2) – {area}",
    ),
    RoleLevel.SENIOR_PRACTITIONER: (
        "Senior Practitioner – {area}",
        "Senior Social Worker, {area}",
        "Senior Practitioner, {team}",
    ),
    RoleLevel.ADVANCED_PRACTITIONER: (
        "Advanced Practitioner – {area}",
        "Consultant Social Worker, {area}",
        "Advanced Practitioner (Practice Educator), {area}",
    ),
    RoleLevel.ASSISTANT_TEAM_MANAGER: (
        "Assistant Team Manager – {area}",
        "Deputy Team Manager, {team}",
        "Assistant Team Manager, {team}",
    ),
    RoleLevel.TEAM_MANAGER: (
        "Team Manager, {team}",
        "Team Manager – {area}",
    ),
    RoleLevel.SERVICE_MANAGER: (
        "Service Manager – {area}",
        "Head of Service, {area}",
        "Service Manager, {area}",
    ),
    RoleLevel.IRO_CP_CHAIR: (),  # by service area, below
    RoleLevel.PRINCIPAL_SOCIAL_WORKER: (
        "Principal Social Worker (Children)",
        "Principal Social Worker and Head of Practice",
    ),
}

IRO_TITLES: dict[ServiceArea, tuple[str, ...]] = {
    ServiceArea.CHILDREN_LOOKED_AFTER: ("Independent Reviewing Officer", "Independent Reviewing Officer (IRO)"),
    ServiceArea.CHILD_PROTECTION: ("Child Protection Chair", "Child Protection Conference Chair", "CP Chair and IRO"),
}

# Fostering and adoption social workers have titles of their own.
AREA_ROLE_TITLES: dict[tuple[ServiceArea, RoleLevel], tuple[str, ...]] = {
    (ServiceArea.FOSTERING, RoleLevel.SOCIAL_WORKER): ("Supervising Social Worker – Fostering", "Fostering Assessing Social Worker"),
    (ServiceArea.ADOPTION, RoleLevel.SOCIAL_WORKER): ("Adoption Social Worker", "Social Worker – Adoption and Permanence"),
    (ServiceArea.CARE_LEAVERS, RoleLevel.SOCIAL_WORKER): ("Social Worker – Leaving Care", "Social Worker, 16+ Team"),
    (ServiceArea.YOUTH_JUSTICE, RoleLevel.SOCIAL_WORKER): ("Youth Justice Social Worker", "Social Worker – Youth Justice Service"),
}

# --- Descriptions -----------------------------------------------------------------------------

AREA_INTRO: dict[ServiceArea, tuple[str, ...]] = {
    ServiceArea.MASH: (
        "Our MASH is the front door for every contact about a child in {borough}. Police, health, "
        "education and early help colleagues sit alongside us, and we make threshold decisions the same day.",
        "The Front Door team screens contacts, gathers information from partners and decides, with the "
        "family's consent wherever possible, what help a child needs and from whom.",
    ),
    ServiceArea.ASSESSMENT: (
        "The assessment service completes Children and Families Assessments and section 47 enquiries "
        "for children referred from the MASH, and holds cases until they step down or move to longer-term teams.",
        "You will carry out statutory assessments under the Children Act 1989, working with families "
        "at a point of crisis and helping them make sense of what happens next.",
    ),
    ServiceArea.CHILD_PROTECTION: (
        "Our child protection teams work with children on child protection plans and in pre-proceedings "
        "(PLO), building safety with families and their networks.",
        "You will lead core groups, write for child protection conferences and, where it is needed, "
        "prepare evidence for care proceedings with our legal team.",
    ),
    ServiceArea.CHILDREN_IN_NEED: (
        "The children in need service supports families under section 17, where the right help at "
        "the right time keeps children safely at home.",
        "You will hold a mixed caseload of children in need and on child protection plans, with time "
        "for direct work and relationships that last.",
    ),
    ServiceArea.CHILDREN_LOOKED_AFTER: (
        "Our children in care teams are corporate parents in practice: care plans, statutory visits, "
        "life story work and permanence for children who cannot live at home.",
        "You will build long-term relationships with children in care, many placed outside the borough, "
        "and champion their education, health and identity.",
    ),
    ServiceArea.CARE_LEAVERS: (
        "Our leaving care service supports young people from 16 to 25 with pathway plans, housing, "
        "education, training and employment.",
        "Working alongside personal advisers, you will help care leavers move into adulthood with a "
        "network around them, including unaccompanied asylum-seeking young people.",
    ),
    ServiceArea.FOSTERING: (
        "The fostering service recruits, assesses, supervises and supports the borough's foster carers, "
        "including connected persons and kinship carers.",
        "You will complete Form F and connected persons assessments, supervise carers and present to the fostering panel.",
    ),
    ServiceArea.ADOPTION: (
        "Our adoption and permanence team works within the regional adoption agency to find families for "
        "children, support adopters and complete child permanence reports.",
        "You will assess and prepare adopters, family-find, and offer adoption support long after an order is made.",
    ),
    ServiceArea.DISABLED_CHILDREN: (
        "Our children with disabilities service works with disabled children and their families, from "
        "short breaks and Education, Health and Care plans to safeguarding and transition to adult services.",
        "You will work with families of children with complex health needs and learning disabilities, "
        "closely with health, education and our short breaks service.",
    ),
    ServiceArea.YOUTH_JUSTICE: (
        "The youth justice service works with children in the criminal justice system, from out-of-court "
        "disposals to court orders and resettlement, with a child-first approach.",
        "You will write pre-sentence reports, supervise orders and work alongside police, probation and "
        "health colleagues in a multi-agency team.",
    ),
    ServiceArea.EXPLOITATION: (
        "Our exploitation team works with adolescents at risk of criminal and sexual exploitation, "
        "county lines and serious youth violence, using a contextual safeguarding approach.",
        "You will lead return home interviews, extra-familial harm meetings and safety planning for "
        "places and peer groups as well as families.",
    ),
    ServiceArea.EDGE_OF_CARE: (
        "The edge of care service works intensively with families where adolescents are at risk of "
        "coming into care, and supports reunification home.",
        "You will work flexibly, including some evenings, to keep families together safely, using "
        "systemic and motivational approaches.",
    ),
}

ROLE_DUTIES: dict[RoleLevel, tuple[str, ...]] = {
    RoleLevel.STUDENT: (
        "You will study for a social work degree with our university partner while working in the team, "
        "with a practice educator, protected study time and your fees paid.",
    ),
    RoleLevel.NQSW: (
        "You will complete your Assessed and Supported Year in Employment (ASYE) with a protected caseload, "
        "a dedicated practice educator and our ASYE academy, alongside other newly qualified social workers.",
        "This is an ASYE post: a reduced caseload, weekly supervision in your first six weeks and a peer "
        "group of newly qualified social workers from across the borough.",
    ),
    RoleLevel.SOCIAL_WORKER: (
        "You will hold a caseload of children and families, complete assessments and plans, and work "
        "with partners to make a real difference. You will need to be registered with Social Work England.",
        "We are looking for a social worker with post-qualifying experience in statutory children's services "
        "and Social Work England registration.",
    ),
    RoleLevel.SENIOR_PRACTITIONER: (
        "As a senior practitioner you will hold the more complex cases, mentor newly qualified colleagues "
        "and deputise for the team manager.",
        "You will have at least three years' post-qualifying experience, hold complex work including "
        "proceedings, and support ASYEs and students.",
    ),
    RoleLevel.ADVANCED_PRACTITIONER: (
        "As an advanced practitioner you will lead practice in the service: co-working complex cases, "
        "running reflective case discussion and supporting practice educators.",
    ),
    RoleLevel.ASSISTANT_TEAM_MANAGER: (
        "As assistant team manager you will supervise a small group of social workers, chair strategy "
        "discussions and make management decisions with the team manager.",
    ),
    RoleLevel.TEAM_MANAGER: (
        "As team manager you will lead a team of social workers and practitioners, hold management "
        "oversight of every child's plan and create the conditions for good practice.",
        "You will lead and develop the team, provide reflective supervision and manage performance, "
        "quality and the team's learning.",
    ),
    RoleLevel.SERVICE_MANAGER: (
        "As service manager you will lead several teams, be accountable for the quality of practice "
        "across the service and work with partners at a strategic level.",
    ),
    RoleLevel.IRO_CP_CHAIR: (
        "You will provide independent oversight of children's plans, chair reviews and conferences, and "
        "challenge drift and delay through the dispute resolution process.",
    ),
    RoleLevel.PRINCIPAL_SOCIAL_WORKER: (
        "As principal social worker you will lead the practice framework, the social work academy and "
        "the voice of practitioners to the Director of Children's Services.",
    ),
}

DEVELOPMENT_OPTIONS: tuple[str, ...] = (
    "Funded Practice Educator Professional Standards (PEPS) stages 1 and 2",
    "Funded systemic practice foundation course",
    "Funded Best Interests Assessor training",
    "Part-funded master's in advanced social work practice",
    "Funded leadership programme for first-line managers",
    "Funded Signs of Safety advanced practitioner training",
    "Funded trauma-informed and relational practice training",
    "Funded Approved Mental Health Professional (AMHP) training",
    "Funded CPD with five protected learning days a year",
    "ASYE academy with a dedicated practice educator",
)

SUPPORTING_STATEMENTS: tuple[str, ...] = (
    "I have {years} years' experience in statutory children's social work, most recently in {area}. "
    "I enjoy direct work with children and building safety with families and their networks.",
    "I am a registered social worker with experience of assessments, child protection plans and "
    "pre-proceedings. I am looking for a team where reflective supervision is part of the week.",
    "I qualified through Frontline and have since worked in {area}. I want to keep developing my "
    "court skills and to support students in the team.",
    "Since qualifying I have worked in a busy front door and in longer-term teams. I value relationship-"
    "based practice and would welcome the chance to join your {area} service.",
)

CV_SUMMARIES: tuple[str, ...] = (
    "Registered social worker, {years} years qualified, experienced in {areas}. Confident in court work "
    "and multi-agency meetings.",
    "Children's social worker with {years} years' post-qualifying experience in {areas}. Practice "
    "educator; interested in systemic practice.",
    "{years} years in statutory services ({areas}). Looking for a supportive team with manageable caseloads.",
    "Experienced in {areas}; strong assessment and report writing; Signs of Safety trained.",
)

STUDENT_CV = "Social work student on a degree apprenticeship; placements in {areas}."
NQSW_CV = "Newly qualified social worker starting my ASYE; final placement in {areas}."

APPLICATION_NOTES: dict[ApplicationStatus, tuple[str, ...]] = {
    ApplicationStatus.SHORTLISTED: ("Strong statement; invite to interview.", "Meets the shortlisting criteria.", ""),
    ApplicationStatus.INTERVIEW: ("Interview booked with the team manager and a panel member.", "Interview and written exercise booked.", ""),
    ApplicationStatus.OFFERED: ("Verbal offer made, subject to references and DBS.", "Conditional offer sent.", ""),
    ApplicationStatus.HIRED: ("Start date agreed; pre-employment checks complete.", "Offer accepted.", ""),
    ApplicationStatus.REJECTED: ("Not enough post-qualifying experience for this post.", "Another candidate was a closer fit.", ""),
    ApplicationStatus.WITHDRAWN: ("Accepted a post closer to home.", "Personal circumstances have changed.", ""),
    ApplicationStatus.OFFER_DECLINED: ("", ""),
}

DECLINE_DETAILS: dict[OfferDeclineReason, str] = {
    OfferDeclineReason.PAY: "Current employer matched the salary.",
    OfferDeclineReason.TRAVEL: "The office is too far from home for the visits pattern.",
    OfferDeclineReason.OTHER_OFFER: "Accepted a senior practitioner post elsewhere.",
    OfferDeclineReason.AGENCY: "Decided to stay with agency work for now.",
    OfferDeclineReason.WORKLOAD: "Concerned about the team's caseloads.",
    OfferDeclineReason.HOURS: "Needed a compressed-hours pattern.",
}

# --- Councils' offers ---------------------------------------------------------------------------

# Ofsted ratings in the demo are drawn at random from these weights: illustrative, never real.
OFSTED_WEIGHTS: dict[OfstedRating, int] = {
    OfstedRating.OUTSTANDING: 3,
    OfstedRating.GOOD: 6,
    OfstedRating.REQUIRES_IMPROVEMENT: 2,
}

# The council's own web address, for the "website" field and example apply links.
COUNCIL_DOMAINS: dict[str, str] = {
    "barnet": "barnet.gov.uk",
    "camden": "camden.gov.uk",
    "city-of-london": "cityoflondon.gov.uk",
    "enfield": "enfield.gov.uk",
    "hackney": "hackney.gov.uk",
    "haringey": "haringey.gov.uk",
    "islington": "islington.gov.uk",
    "barking-and-dagenham": "lbbd.gov.uk",
    "havering": "havering.gov.uk",
    "newham": "newham.gov.uk",
    "redbridge": "redbridge.gov.uk",
    "tower-hamlets": "towerhamlets.gov.uk",
    "waltham-forest": "walthamforest.gov.uk",
    "brent": "brent.gov.uk",
    "ealing": "ealing.gov.uk",
    "hammersmith-and-fulham": "lbhf.gov.uk",
    "harrow": "harrow.gov.uk",
    "hillingdon": "hillingdon.gov.uk",
    "hounslow": "hounslow.gov.uk",
    "kensington-and-chelsea": "rbkc.gov.uk",
    "westminster": "westminster.gov.uk",
    "bexley": "bexley.gov.uk",
    "bromley": "bromley.gov.uk",
    "croydon": "croydon.gov.uk",
    "greenwich": "royalgreenwich.gov.uk",
    "kingston-upon-thames": "kingston.gov.uk",
    "lambeth": "lambeth.gov.uk",
    "lewisham": "lewisham.gov.uk",
    "merton": "merton.gov.uk",
    "richmond-upon-thames": "richmond.gov.uk",
    "southwark": "southwark.gov.uk",
    "sutton": "sutton.gov.uk",
    "wandsworth": "wandsworth.gov.uk",
}

# Job reference prefixes where the first letters would clash (Haringey and Harrow).
REFERENCE_PREFIXES: dict[str, str] = {"haringey": "HGY", "harrow": "HRW"}

# Councils' formal names where they differ from "London Borough of <name>".
FORMAL_NAMES: dict[str, str] = {
    "city-of-london": "City of London Corporation",
    "kensington-and-chelsea": "Royal Borough of Kensington and Chelsea",
    "greenwich": "Royal Borough of Greenwich",
    "kingston-upon-thames": "Royal Borough of Kingston upon Thames",
    "westminster": "Westminster City Council",
}

# Boroughs that pay Inner London weighting rather than Outer (used to pitch demo pay).
INNER_LONDON = frozenset({
    "camden", "city-of-london", "hackney", "hammersmith-and-fulham", "haringey", "islington",
    "kensington-and-chelsea", "lambeth", "lewisham", "newham", "southwark", "tower-hamlets",
    "wandsworth", "westminster",
})

ABOUT_TEMPLATES: tuple[str, ...] = (
    "{formal}'s children's services work with around {children:,} children and families each year. "
    "Our social workers are based in {town} and work across the borough.",
    "Children's social care in {name} is built around small teams, reflective practice and knowing "
    "our families well. Most of our teams are based in {town}.",
    "We are {formal}. Our children's services have invested in a stable, permanent workforce and a "
    "practice model social workers helped design. Offices in {town}.",
)

OFFER_PAY: tuple[str, ...] = (
    "Social workers are paid £{sw_min:,}–£{sw_max:,} including {weighting} London weighting. "
    "A £{supplement:,} market supplement applies in front door, assessment and child protection teams.",
    "Pay for social workers runs from £{sw_min:,} to £{sw_max:,}, with progression to senior practitioner "
    "on a published framework. Retention payment of £{retention:,} after two years' service.",
    "£{sw_min:,}–£{sw_max:,} for social workers, including {weighting} London weighting; "
    "£{supplement:,} market supplement for hard-to-fill roles; local government pension scheme.",
    "Social workers £{sw_min:,}–£{sw_max:,}; senior practitioners up to £{sp_max:,}. Essential car user "
    "allowance or travel costs for visits, and a £{retention:,} retention payment.",
)

OFFER_CASELOAD: tuple[str, ...] = (
    "We aim for no more than {cap} children per social worker, and {nqsw_cap} in the ASYE year.",
    "Average caseload across our long-term teams is {avg}; we cap ASYE caseloads at {nqsw_cap} and review them in every supervision.",
    "Caseloads are reported monthly to the lead member: our target is {cap} children or fewer, with a protected caseload for newly qualified social workers.",
)

OFFER_SUPERVISION: tuple[str, ...] = (
    "Reflective supervision every {freq} with a qualified manager, plus weekly group case discussion.",
    "One-to-one supervision every {freq} (weekly for the first six weeks of your ASYE), and a monthly systemic reflective group.",
    "Supervision every {freq}, recorded with you, and access to a clinical practitioner for consultation.",
)

OFFER_DEVELOPMENT: tuple[str, ...] = (
    "{dev1}; {dev2}; a social work academy with an ASYE programme and career progression framework.",
    "Every social worker has a personal development budget. Recent cohorts: {dev1}; {dev2}.",
    "{dev1} and {dev2}. Five learning days a year, protected from casework.",
)

OFFER_HYBRID: tuple[str, ...] = (
    "Hybrid: two team days a week in {town}, visits in the borough, the rest from home.",
    "Office-based in {town} with flexibility around visits and family life; laptops and phones for everyone.",
    "Hybrid working agreed with your team: most of our social workers spend two or three days in {town} or on visits.",
    "Flexible and compressed hours considered for every post; team days in {town} on Tuesdays and Thursdays.",
)

SUPERVISION_WORDS = ("three weeks", "four weeks", "fortnight", "month")

# --- People ---------------------------------------------------------------------------------------

FIRST_NAMES: tuple[str, ...] = (
    "Aisha", "Amara", "Ben", "Chiara", "Chloe", "Daniel", "Deepa", "Efua", "Eleni", "Fatima", "Femi",
    "Georgia", "Grace", "Hannah", "Hassan", "Imran", "Isla", "Jade", "James", "Joseph", "Kemi", "Kiran",
    "Laura", "Leon", "Lucy", "Marcus", "Maria", "Mohammed", "Nadia", "Naomi", "Niamh", "Olu", "Omar",
    "Priya", "Rachel", "Rosa", "Ruth", "Sade", "Samira", "Sophie", "Tariq", "Thomas", "Tom", "Uche",
    "Yasmin", "Zainab", "Zoe", "Agnieszka", "Bilal", "Ciaran", "Dami", "Esther", "Funmi", "Gareth",
    "Helena", "Ines", "Jamal", "Katarzyna", "Liam", "Meera", "Nuala", "Patrick", "Rukhsana", "Sean",
)

LAST_NAMES: tuple[str, ...] = (
    "Adebayo", "Ahmed", "Ali", "Asante", "Baker", "Begum", "Brown", "Campbell", "Chen", "Clarke",
    "Costa", "Davies", "Demir", "Edwards", "Evans", "Fernandes", "Francis", "Green", "Hall", "Hussain",
    "Ibrahim", "Iqbal", "Jackson", "Johnson", "Kaur", "Kelly", "Khan", "Kowalski", "Lewis", "Mensah",
    "Murphy", "Nkemelu", "Nowak", "Nwosu", "O'Brien", "Okafor", "Owusu", "Patel", "Phillips", "Rahman",
    "Reid", "Roberts", "Santos", "Shah", "Singh", "Smith", "Taylor", "Thomas", "Walker", "Williams",
    "Wilson", "Wright", "Yilmaz", "Young",
)

# --- News -------------------------------------------------------------------------------------

# (council slug or None for the programme team, title, summary, body)
NEWS_ARTICLES: tuple[tuple[str | None, str, str, str], ...] = (
    (
        None,
        "One board for every children's social work job in London",
        "All 33 London councils now advertise their permanent children's social work roles in one place.",
        "Social workers told us that searching 33 council websites was a barrier to moving into a permanent "
        "post. From today every London council advertises its children's social work vacancies here, with "
        "the same information about caseloads, supervision and development on every job.\n\n"
        "Create a profile to get jobs that fit you, and choose whether recruiters may find you.",
    ),
    (
        None,
        "Your ASYE in London: what every council offers",
        "Protected caseloads, weekly supervision at the start and a practice educator for every newly qualified social worker.",
        "Every London council runs an Assessed and Supported Year in Employment programme. On this board you "
        "can filter for posts with a protected ASYE caseload and see how often supervision happens before you apply.\n\n"
        "Look for the 'NQSW' and 'ASYE' labels on job pages.",
    ),
    (
        None,
        "Moving from agency to permanent: a guide for London social workers",
        "What changes when you go permanent, and how councils support the move.",
        "Many councils offer retention payments, funded development and a guaranteed interview for agency "
        "social workers who already work for them. This guide explains pay, pensions, leave and what to "
        "ask at interview.\n\nThis article is demo content.",
    ),
    (
        "camden",
        "Camden recruitment open evening for child protection social workers",
        "Meet the team managers from our child protection and MASH teams at King's Cross.",
        "Join us for an informal evening at our King's Cross offices to meet team managers, practitioners "
        "and our principal social worker. Bring your questions about caseloads, supervision and hybrid working.\n\n"
        "This event is demo content.",
    ),
    (
        "croydon",
        "Croydon's new adolescent safeguarding service is recruiting",
        "Social workers and senior practitioners for a contextual safeguarding team.",
        "We are building a new team to work with adolescents at risk of exploitation, using a contextual "
        "safeguarding approach. Posts at social worker, senior practitioner and team manager level are open now.\n\n"
        "This article is demo content.",
    ),
    (
        "tower-hamlets",
        "Tower Hamlets launches a practice educator programme",
        "Funded PEPS training for experienced social workers who want to support students and ASYEs.",
        "Experienced social workers in Tower Hamlets can now complete both stages of the Practice Educator "
        "Professional Standards, funded and with protected time.\n\nThis article is demo content.",
    ),
)
