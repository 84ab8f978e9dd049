"""`make eval-matching`, generated half: nDCG@10 and recall@50 of keyword, semantic and hybrid ranking, as JSON.

(The judged half, graded by hand and run through the app, is bench/judged_matching.py on matching/judged_set.)
This labelled set is generated, deterministically, from the profession's structure (see
docs/matching.md): vacancies and social workers each have a true role level and practice
areas; adverts and profiles describe them in the words practitioners use (section 47
enquiries, pathway plans, Form F assessments...), and, as on the real board, some profiles
leave the structured answers (role level, specialisms) blank and say it only in their own
words. A pair's label comes from the truth, never from any ranker:

* 2 — same role level and the vacancy's practice area is one of theirs;
* 1 — within one level, and the area is theirs or a related one (front door / protection,
      looked-after / permanence, adolescents / risk outside the home, disability);
* 0 — otherwise, or if they could not take the job (too far, pay below their minimum, a
      contract they do not want, not registered).

For each vacancy every candidate is ranked (the recruiter's direction). `keyword` is TF-IDF
cosine over the same texts; `semantic` is the embedding cosine alone; `hybrid` is the
product's ranking (hard constraints, then the weighted score in matching.weights).

    python -m matching.evaluation [--vacancies 100] [--candidates 400] [--seed 2026]
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from dataclasses import dataclass

import numpy as np

from domain.geography import LONDON_BOROUGHS
from domain.vocabulary import Availability, ContractType, RoleLevel, ServiceArea, WorkingPattern
from matching.constraints import failures
from matching.encoder import MODEL_NAME, get_encoder
from matching.scoring import rank_candidates
from matching.text import CandidateFacts, VacancyFacts, candidate_text, vacancy_text
from matching.weights import RELATED_AREAS

# How practitioners describe work in each area, without naming it.
PRACTICE: dict[ServiceArea, list[str]] = {
    ServiceArea.MASH: ["triaging contacts and referrals at the front door", "strategy discussions with police and health",
                       "multi-agency information sharing on the day a concern comes in", "screening decisions within 24 hours"],
    ServiceArea.ASSESSMENT: ["single assessments completed within 45 working days", "duty and assessment work",
                             "first home visits after a referral", "analysing risk and need in new cases"],
    ServiceArea.CHILD_PROTECTION: ["section 47 enquiries", "initial and review child protection conferences",
                                   "chairing core groups", "pre-proceedings under the public law outline",
                                   "preparing evidence for care proceedings"],
    ServiceArea.CHILDREN_IN_NEED: ["section 17 plans for families", "child in need meetings", "stepping cases down to early help",
                                   "family support with parenting and school attendance"],
    ServiceArea.CHILDREN_LOOKED_AFTER: ["statutory visits to children in care", "care plans and reviews with the IRO",
                                        "permanence planning for children in placements", "contact arrangements with birth families"],
    ServiceArea.CARE_LEAVERS: ["pathway plans with young people leaving care", "supporting 18 to 25 year olds into housing and work",
                               "staying put arrangements", "personal adviser work"],
    ServiceArea.FOSTERING: ["Form F assessments of prospective foster carers", "supervising foster carers",
                            "kinship and connected person assessments", "presenting to fostering panel"],
    ServiceArea.ADOPTION: ["assessing prospective adopters", "matching children with adoptive families",
                           "life story work", "adoption support after placement"],
    ServiceArea.DISABLED_CHILDREN: ["short breaks for children with complex needs", "transition planning to adult services",
                                    "working with EHCPs and health colleagues", "children with autism and learning disabilities"],
    ServiceArea.YOUTH_JUSTICE: ["AssetPlus assessments", "supervising young people on court orders",
                                "out-of-court disposals", "working alongside the youth offending team and probation"],
    ServiceArea.EXPLOITATION: ["county lines and criminal exploitation", "return home interviews after missing episodes",
                               "peer group and location mapping", "safety planning for teenagers at risk outside the home"],
    ServiceArea.EDGE_OF_CARE: ["intensive work to keep teenagers at home", "family group conferences to avoid care",
                               "reunification of children returning home", "crisis support for families in breakdown"],
}

LEVEL_WORDS: dict[RoleLevel, list[str]] = {
    RoleLevel.STUDENT: ["student social worker on placement", "social work apprentice"],
    RoleLevel.NQSW: ["newly qualified social worker in my ASYE", "NQSW completing the assessed and supported year"],
    RoleLevel.SOCIAL_WORKER: ["registered social worker", "qualified social worker holding a caseload"],
    RoleLevel.SENIOR_PRACTITIONER: ["senior practitioner", "experienced SP holding complex cases"],
    RoleLevel.ADVANCED_PRACTITIONER: ["advanced practitioner leading practice", "AP supporting colleagues with complex work"],
    RoleLevel.ASSISTANT_TEAM_MANAGER: ["assistant team manager", "ATM supervising a pod of social workers"],
    RoleLevel.TEAM_MANAGER: ["team manager", "managing a team of social workers"],
    RoleLevel.SERVICE_MANAGER: ["service manager", "leading several teams as head of service"],
    RoleLevel.IRO_CP_CHAIR: ["independent reviewing officer", "child protection conference chair"],
    RoleLevel.PRINCIPAL_SOCIAL_WORKER: ["principal social worker", "leading practice standards across the service"],
}

GENERIC = ["I value reflective supervision.", "Practice educator for students.", "Trained in Signs of Safety.",
           "Confident with Mosaic and LiquidLogic.", "Car driver.", "Interested in systemic practice."]


@dataclass
class LabelledSet:
    vacancies: list[VacancyFacts]
    candidates: list[CandidateFacts]
    true_areas: list[frozenset[str]]
    true_levels: list[RoleLevel]
    labels: np.ndarray  # (vacancies, candidates) graded 0, 1, 2


def related(a: str, b: str) -> bool:
    return a == b or any(a in g and b in g for g in RELATED_AREAS)


def build(vacancies: int = 100, candidates: int = 400, seed: int = 2026) -> LabelledSet:
    rng = random.Random(seed)
    levels = list(RoleLevel)
    areas = list(ServiceArea)
    vacancy_facts: list[VacancyFacts] = []
    for i in range(vacancies):
        level = rng.choice(levels[1:8])
        area = rng.choice(areas)
        place = rng.choice(LONDON_BOROUGHS)
        low = 32000 + 4000 * level.rank + rng.choice([0, 2000, 4000])
        title = f"{rng.choice(LEVEL_WORDS[level]).split(' in ')[0].capitalize()} – {area.label}"
        practice = rng.sample(PRACTICE[area], 2)
        vacancy_facts.append(VacancyFacts(
            id=i + 1, title=title, role_level=level, service_area=area, organisation_id=LONDON_BOROUGHS.index(place) + 1,
            organisation_slug=place.slug, organisation_name=place.name, latitude=place.latitude,
            longitude=place.longitude, salary_min=low, salary_max=low + 6000,
            contract_type=rng.choices(list(ContractType), (8, 2, 1, 1))[0],
            working_pattern=rng.choices(list(WorkingPattern), (8, 1, 1, 1))[0],
            summary=f"Join a {place.town} team.", description=f"The role involves {practice[0]} and {practice[1]}.",
        ))
    people: list[CandidateFacts] = []
    true_areas: list[frozenset[str]] = []
    true_levels: list[RoleLevel] = []
    for i in range(candidates):
        level = rng.choice(levels[1:8])
        mine = rng.sample(areas, rng.choice((1, 1, 2)))
        home = rng.choice(LONDON_BOROUGHS)
        sentences = [f"I am a {rng.choice(LEVEL_WORDS[level])}."]
        for area in mine:
            sentences.append(f"Experienced in {' and '.join(rng.sample(PRACTICE[area], 2))}.")
        sentences.append(rng.choice(GENERIC))
        structured = rng.random() < 0.6  # the rest left the structured answers blank
        people.append(CandidateFacts(
            id=i + 1, user_id=i + 1, role_level=level if structured else None,
            specialisms=tuple(a.value for a in mine) if structured else (),
            home_borough=home.slug, max_commute_miles=rng.choice((5, 8, 10, 15, 20)),
            min_salary=(32000 + 4000 * level.rank - rng.choice((0, 2000, 4000))) if rng.random() < 0.6 else None,
            contract_types=("permanent",) if rng.random() < 0.6 else (),
            working_patterns=("full_time",), availability=rng.choice((Availability.NOW, Availability.ONE_MONTH,
                                                                     Availability.THREE_MONTHS)),
            registered=True, years_qualified=None, cv_text=" ".join(sentences), discoverable=True,
        ))
        true_areas.append(frozenset(a.value for a in mine))
        true_levels.append(level)
    labels = np.zeros((len(vacancy_facts), len(people)), dtype=np.int8)
    for vi, v in enumerate(vacancy_facts):
        for ci, c in enumerate(people):
            if failures(v, c, for_recruiter=True):
                continue
            step = abs(v.role_level.rank - true_levels[ci].rank)
            if step == 0 and v.service_area.value in true_areas[ci]:
                labels[vi, ci] = 2
            elif step <= 1 and any(related(v.service_area.value, a) for a in true_areas[ci]):
                labels[vi, ci] = 1
    return LabelledSet(vacancy_facts, people, true_areas, true_levels, labels)


def ndcg_at(ranked: list[int], gains: np.ndarray, k: int = 10) -> float:
    dcg = sum((2 ** int(gains[i]) - 1) / math.log2(r + 2) for r, i in enumerate(ranked[:k]))
    ideal = sorted(gains.tolist(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(r + 2) for r, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: list[int], gains: np.ndarray, k: int = 50) -> float:
    relevant = int((gains > 0).sum())
    return sum(1 for i in ranked[:k] if gains[i] > 0) / relevant if relevant else 0.0


def evaluate(data: LabelledSet, vacancy_vectors: np.ndarray, candidate_vectors: np.ndarray,
             vacancy_texts: list[str], candidate_texts: list[str]) -> dict[str, dict[str, float]]:
    from sklearn.feature_extraction.text import TfidfVectorizer  # scikit-learn only for the baseline: load it here

    tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit(vacancy_texts + candidate_texts)
    keyword_scores = (tfidf.transform(vacancy_texts) @ tfidf.transform(candidate_texts).T).toarray()
    semantic_scores = vacancy_vectors @ candidate_vectors.T
    index_of = {c.id: i for i, c in enumerate(data.candidates)}
    results: dict[str, list[tuple[float, float]]] = {"keyword": [], "semantic": [], "hybrid": []}
    for vi, vacancy in enumerate(data.vacancies):
        gains = data.labels[vi]
        if not (gains > 0).any():
            continue
        rankings = {
            "keyword": np.argsort(-keyword_scores[vi], kind="stable").tolist(),
            "semantic": np.argsort(-semantic_scores[vi], kind="stable").tolist(),
            "hybrid": [index_of[m.candidate_id] for m in rank_candidates(
                vacancy, vacancy_vectors[vi], data.candidates, candidate_vectors, limit=50)],
        }
        for name, ranked in rankings.items():
            results[name].append((ndcg_at(ranked, gains), recall_at(ranked, gains)))
    return {name: {"ndcg@10": round(float(np.mean([r[0] for r in rows])), 4),
                   "recall@50": round(float(np.mean([r[1] for r in rows])), 4)} for name, rows in results.items()}


def generated_report(vacancies: int = 100, candidates: int = 400, seed: int = 2026) -> dict:
    """The generated set's figures (kept for regression: it cannot see what the judged set sees)."""
    started = time.perf_counter()
    data = build(vacancies, candidates, seed)
    vacancy_texts = [vacancy_text(v) for v in data.vacancies]
    candidate_texts = [candidate_text(c) for c in data.candidates]
    print(f"eval-matching: generated set, {len(vacancy_texts)} vacancies x {len(candidate_texts)} candidates, "
          f"{int((data.labels > 0).sum())} relevant pairs; encoding...", file=sys.stderr, flush=True)
    encoder = get_encoder()
    vacancy_vectors = encoder.encode(vacancy_texts)
    candidate_vectors = encoder.encode(candidate_texts)
    metrics = evaluate(data, vacancy_vectors, candidate_vectors, vacancy_texts, candidate_texts)
    return {
        "model": MODEL_NAME,
        "dataset": {"seed": seed, "vacancies": len(data.vacancies), "candidates": len(data.candidates),
                    "pairs_graded_2": int((data.labels == 2).sum()), "pairs_graded_1": int((data.labels == 1).sum()),
                    "profiles_without_structured_answers": sum(1 for c in data.candidates if c.role_level is None)},
        **metrics,
        "hybrid_beats_keyword": metrics["hybrid"]["ndcg@10"] > metrics["keyword"]["ndcg@10"]
        and metrics["hybrid"]["recall@50"] > metrics["keyword"]["recall@50"],
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vacancies", type=int, default=100)
    parser.add_argument("--candidates", type=int, default=400)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    report = generated_report(args.vacancies, args.candidates, args.seed)
    print(json.dumps(report, indent=2))
    print(f"eval-matching: hybrid nDCG@10 {report['hybrid']['ndcg@10']} vs keyword {report['keyword']['ndcg@10']}"
          f" ({'hybrid wins' if report['hybrid_beats_keyword'] else 'HYBRID DOES NOT BEAT KEYWORD'})", file=sys.stderr)
    return 0 if report["hybrid_beats_keyword"] else 1


if __name__ == "__main__":
    sys.exit(main())
