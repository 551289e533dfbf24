//! Everything needed to judge any pair of one institution, loaded once:
//! profiles, reporting lines, mentoring preferences, current loads and
//! do-not-match wishes. Suggestions and rounds both read it.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tandem_domain::{
    DivisionId, InstitutionId, MentoringProfile, PersonId, PersonProfile, Rank, Stream,
};
use tandem_store::{Db, InstitutionScope, StoreError};

use super::score::{Prepared, Side, explain, score_only, score_sides};
use super::settings::{self, ProgramSettings};
use super::{Compatibility, Exclusion, OrgChart, exclusions};

/// What changes only with the roster or someone's mentoring profile: the
/// bulk of a pool, shared between requests through a [`PoolCache`].
#[derive(Debug)]
struct PoolRoster {
    people: Vec<PersonProfile>,
    index: HashMap<PersonId, usize>,
    org: OrgChart,
    mentoring: HashMap<PersonId, MentoringProfile>,
}

impl PoolRoster {
    fn new(people: Vec<PersonProfile>, profiles: Vec<MentoringProfile>) -> Self {
        PoolRoster {
            index: people.iter().enumerate().map(|(i, p)| (p.id, i)).collect(),
            org: OrgChart::new(&people),
            people,
            mentoring: profiles.into_iter().map(|m| (m.person_id, m)).collect(),
        }
    }
}

/// Each institution's roster part of the pool, kept between requests and
/// reloaded when the institution's pool version (bumped by every write to
/// people or mentoring profiles, in any process) moves on.
#[derive(Debug, Default)]
pub struct PoolCache {
    rosters: Mutex<HashMap<InstitutionId, (i64, Arc<PoolRoster>)>>,
}

impl PoolCache {
    fn get(&self, institution: InstitutionId, version: i64) -> Option<Arc<PoolRoster>> {
        let rosters = self.rosters.lock().unwrap_or_else(|e| e.into_inner());
        rosters
            .get(&institution)
            .filter(|(v, _)| *v == version)
            .map(|(_, r)| Arc::clone(r))
    }

    fn put(&self, institution: InstitutionId, version: i64, roster: Arc<PoolRoster>) {
        let mut rosters = self.rosters.lock().unwrap_or_else(|e| e.into_inner());
        rosters.insert(institution, (version, roster));
    }
}

/// The institution's people and mentoring state at one moment.
#[derive(Debug, Clone)]
pub struct MentoringPool {
    pub settings: ProgramSettings,
    roster: Arc<PoolRoster>,
    loads: HashMap<PersonId, u32>,
    /// (mentee, mentor) pairs that are proposed or active.
    open_pairs: HashSet<(PersonId, PersonId)>,
    do_not_match: HashSet<(PersonId, PersonId)>,
}

/// Narrowing the suggestions, as on the page's filter form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SuggestionFilter {
    /// Words to find in a name or any interest.
    pub query: Option<String>,
    pub division: Option<DivisionId>,
    pub rank: Option<Rank>,
    pub stream: Option<Stream>,
    /// A research, clinical or education interest (part of one).
    pub interest: Option<String>,
}

/// One suggested mentor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub mentor_id: PersonId,
    pub fit: Compatibility,
    pub free_places: u32,
}

/// A page of suggestions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestions {
    pub items: Vec<Suggestion>,
    /// Eligible mentors that pass the filter (before the limit).
    pub matching: usize,
    /// Mentors with a free place the mentee may be matched with.
    pub eligible: usize,
}

fn contains_ci(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(needle)
}

impl MentoringPool {
    /// Loads everything afresh.
    pub async fn load(db: &Db, scope: &InstitutionScope) -> Result<Self, StoreError> {
        let people = tandem_store::people::all(db, scope).await?;
        let profiles = tandem_store::mentoring::profiles(db, scope).await?;
        Self::with_roster(db, scope, Arc::new(PoolRoster::new(people, profiles))).await
    }

    /// Loads the pool, taking people and mentoring profiles from `cache`
    /// unless they changed since; settings, pairs and do-not-match wishes
    /// are always read afresh.
    pub async fn load_cached(
        db: &Db,
        scope: &InstitutionScope,
        cache: &PoolCache,
    ) -> Result<Self, StoreError> {
        let institution = scope.institution_id();
        // Read the version first: a write racing with the load below makes
        // the next request reload, never serves older data than this.
        let version = tandem_store::mentoring::pool_version(db, scope).await?;
        let roster = match cache.get(institution, version) {
            Some(roster) => roster,
            None => {
                let people = tandem_store::people::all(db, scope).await?;
                let profiles = tandem_store::mentoring::profiles(db, scope).await?;
                let roster = Arc::new(PoolRoster::new(people, profiles));
                cache.put(institution, version, Arc::clone(&roster));
                roster
            }
        };
        Self::with_roster(db, scope, roster).await
    }

    async fn with_roster(
        db: &Db,
        scope: &InstitutionScope,
        roster: Arc<PoolRoster>,
    ) -> Result<Self, StoreError> {
        let settings = settings::load(db, scope).await?;
        let open = tandem_store::mentoring::open_mentorships(db, scope).await?;
        let wishes = tandem_store::mentoring::do_not_match(db, scope).await?;
        Ok(MentoringPool {
            settings,
            roster,
            loads: tandem_store::mentoring::loads(&open),
            open_pairs: open.iter().map(|m| (m.mentee_id, m.mentor_id)).collect(),
            do_not_match: wishes.into_iter().collect(),
        })
    }

    /// Builds a pool from already-loaded parts (tests and benchmarks).
    pub fn from_parts(
        settings: ProgramSettings,
        people: Vec<PersonProfile>,
        profiles: Vec<MentoringProfile>,
        open: &[tandem_domain::Mentorship],
        do_not_match: Vec<(PersonId, PersonId)>,
    ) -> Self {
        MentoringPool {
            settings,
            roster: Arc::new(PoolRoster::new(people, profiles)),
            loads: tandem_store::mentoring::loads(open),
            open_pairs: open.iter().map(|m| (m.mentee_id, m.mentor_id)).collect(),
            do_not_match: do_not_match.into_iter().collect(),
        }
    }

    pub fn person(&self, id: PersonId) -> Option<&PersonProfile> {
        self.roster.index.get(&id).map(|&i| &self.roster.people[i])
    }

    pub fn people(&self) -> &[PersonProfile] {
        &self.roster.people
    }

    /// What the person said about mentoring (empty if nothing).
    pub fn mentoring(&self, id: PersonId) -> MentoringProfile {
        self.roster
            .mentoring
            .get(&id)
            .cloned()
            .unwrap_or_else(|| MentoringProfile::empty(id))
    }

    /// Whether the person offers to mentor at all.
    pub fn is_mentor(&self, id: PersonId) -> bool {
        self.roster
            .mentoring
            .get(&id)
            .is_some_and(|m| m.mentor_capacity > 0)
    }

    pub fn capacity(&self, mentor: PersonId) -> u32 {
        self.roster
            .mentoring
            .get(&mentor)
            .map_or(0, |m| u32::from(m.mentor_capacity))
    }

    pub fn load_of(&self, mentor: PersonId) -> u32 {
        self.loads.get(&mentor).copied().unwrap_or(0)
    }

    pub fn free_places(&self, mentor: PersonId) -> u32 {
        self.capacity(mentor).saturating_sub(self.load_of(mentor))
    }

    /// Everyone above `person` in the reporting line.
    pub fn chain_above(&self, person: PersonId) -> Vec<PersonId> {
        self.roster.org.chain_above(person)
    }

    /// Whether either asked never to be matched with the other.
    pub fn asked_apart(&self, a: PersonId, b: PersonId) -> bool {
        self.do_not_match.contains(&(a, b)) || self.do_not_match.contains(&(b, a))
    }

    /// Whether the two are already paired (proposed or active).
    pub fn paired(&self, mentee: PersonId, mentor: PersonId) -> bool {
        self.open_pairs.contains(&(mentee, mentor))
    }

    /// Mentors who offer places, in roster order.
    pub fn mentors(&self) -> impl Iterator<Item = &PersonProfile> {
        self.roster.people.iter().filter(|p| self.is_mentor(p.id))
    }

    /// Every reason `mentor` may not mentor `mentee`, given current loads.
    pub fn exclusions(&self, mentee: &PersonProfile, mentor: &PersonProfile) -> Vec<Exclusion> {
        self.exclusions_with_capacity(mentee, mentor, self.free_places(mentor.id) > 0)
    }

    /// The same with the capacity question answered by the caller (a
    /// round counts places itself).
    pub fn exclusions_with_capacity(
        &self,
        mentee: &PersonProfile,
        mentor: &PersonProfile,
        has_capacity: bool,
    ) -> Vec<Exclusion> {
        exclusions(
            mentee,
            mentor,
            &self.roster.org,
            &self.settings.rules,
            has_capacity,
            &self.do_not_match,
        )
    }

    /// How well the pair fits, with reasons and risks.
    pub fn fit(&self, mentee: &PersonProfile, mentor: &PersonProfile) -> Compatibility {
        let empty_a;
        let empty_b;
        let a = match self.roster.mentoring.get(&mentee.id) {
            Some(m) => m,
            None => {
                empty_a = MentoringProfile::empty(mentee.id);
                &empty_a
            }
        };
        let b = match self.roster.mentoring.get(&mentor.id) {
            Some(m) => m,
            None => {
                empty_b = MentoringProfile::empty(mentor.id);
                &empty_b
            }
        };
        score_sides(
            Side {
                person: mentee,
                mentoring: a,
            },
            Side {
                person: mentor,
                mentoring: b,
            },
            &self.settings.weights,
        )
    }

    fn passes(&self, mentor: &PersonProfile, filter: &SuggestionFilter) -> bool {
        if filter.division.is_some_and(|d| d != mentor.division_id)
            || filter.rank.is_some_and(|r| r != mentor.rank)
            || filter.stream.is_some_and(|s| s != mentor.stream)
        {
            return false;
        }
        let interests = || {
            mentor
                .research_interests
                .items()
                .iter()
                .chain(mentor.clinical_interests.items())
                .chain(mentor.education_interests.items())
        };
        if let Some(interest) = filter.interest.as_deref() {
            let needle = interest.to_lowercase();
            if !interests().any(|t| contains_ci(t, &needle)) {
                return false;
            }
        }
        if let Some(query) = filter.query.as_deref() {
            let mentoring = self.roster.mentoring.get(&mentor.id);
            let extra = mentoring.into_iter().flat_map(|m| {
                m.looking_for
                    .items()
                    .iter()
                    .chain(m.personal_interests.items())
            });
            let name = mentor.display_name();
            for word in query.split_whitespace() {
                let needle = word.to_lowercase();
                let found = contains_ci(&name, &needle)
                    || interests().any(|t| contains_ci(t, &needle))
                    || extra.clone().any(|t| contains_ci(t, &needle));
                if !found {
                    return false;
                }
            }
        }
        true
    }

    /// The best mentors for `mentee`: eligible (no exclusion, a free
    /// place, not already paired), passing `filter`, best score first
    /// (ties: family name, then id), at most `limit`.
    pub fn suggestions(
        &self,
        mentee: &PersonProfile,
        filter: &SuggestionFilter,
        limit: usize,
    ) -> Suggestions {
        let mut eligible = 0usize;
        let mentee_mentoring = self.mentoring(mentee.id);
        let me = Prepared::new(Side {
            person: mentee,
            mentoring: &mentee_mentoring,
        });
        let empty = MentoringProfile::empty(mentee.id);
        fn prepare<'a>(
            pool: &'a MentoringPool,
            empty: &'a MentoringProfile,
            mentor: &'a PersonProfile,
        ) -> Prepared<'a> {
            let mentoring = pool.roster.mentoring.get(&mentor.id).unwrap_or(empty);
            Prepared::new(Side {
                person: mentor,
                mentoring,
            })
        }
        let weights = &self.settings.weights;
        let mut scored: Vec<(u32, &PersonProfile)> = Vec::new();
        for mentor in self.mentors() {
            if self.paired(mentee.id, mentor.id) || !self.exclusions(mentee, mentor).is_empty() {
                continue;
            }
            eligible += 1;
            if !self.passes(mentor, filter) {
                continue;
            }
            // The score alone here; the words only for those shown.
            scored.push((
                score_only(&me, &prepare(self, &empty, mentor), weights),
                mentor,
            ));
        }
        let matching = scored.len();
        scored.sort_by(|(sa, a), (sb, b)| {
            sb.cmp(sa)
                .then_with(|| a.family_name.cmp(&b.family_name))
                .then_with(|| a.id.cmp(&b.id))
        });
        let items = scored
            .into_iter()
            .take(limit)
            .map(|(_, mentor)| Suggestion {
                mentor_id: mentor.id,
                fit: explain(&me, &prepare(self, &empty, mentor), weights),
                free_places: self.free_places(mentor.id),
            })
            .collect();
        Suggestions {
            items,
            matching,
            eligible,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mentoring::conflicts::tests::person;
    use tandem_domain::{Leadership, TagList};

    fn offering(p: &PersonProfile, capacity: u16) -> MentoringProfile {
        MentoringProfile {
            mentor_capacity: capacity,
            ..MentoringProfile::empty(p.id)
        }
    }

    #[test]
    fn suggestions_skip_conflicts_full_mentors_and_barred_roles() {
        let mut mentee = person(0);
        mentee.rank = Rank::AssistantProfessor;
        let boss = person(1);
        mentee.supervisor_id = Some(boss.id);
        let mut chair = person(2);
        chair.leadership = Leadership::DepartmentChair;
        let full = person(3);
        let mut good = person(4);
        good.research_interests = TagList::from_tags(["sleep medicine"]);
        let other = person(5);
        let people = vec![
            mentee.clone(),
            boss.clone(),
            chair.clone(),
            full.clone(),
            good.clone(),
            other.clone(),
        ];
        let profiles = vec![
            offering(&boss, 2),
            offering(&chair, 2),
            offering(&full, 1),
            offering(&good, 2),
            offering(&other, 2),
        ];
        let taken = tandem_domain::Mentorship {
            id: tandem_domain::MentorshipId::new_random(),
            mentee_id: other.id,
            mentor_id: full.id,
            role: tandem_domain::MentorRole::Primary,
            origin: tandem_domain::MentorshipOrigin::Request,
            status: tandem_domain::MentorshipStatus::Active,
            proposed_at: time::OffsetDateTime::UNIX_EPOCH,
            started_at: None,
        };
        let pool = MentoringPool::from_parts(
            ProgramSettings::default(),
            people,
            profiles,
            &[taken],
            vec![(other.id, mentee.id)],
        );
        let s = pool.suggestions(&mentee, &SuggestionFilter::default(), 10);
        let ids: Vec<PersonId> = s.items.iter().map(|x| x.mentor_id).collect();
        assert_eq!(ids, vec![good.id], "only the unconflicted mentor with room");
        assert_eq!(s.eligible, 1);
        assert!(!s.items[0].fit.reasons.is_empty() || !s.items[0].fit.risks.is_empty());

        let filtered = pool.suggestions(
            &mentee,
            &SuggestionFilter {
                interest: Some("SLEEP".into()),
                ..Default::default()
            },
            10,
        );
        assert_eq!(filtered.matching, 1);
        let none = pool.suggestions(
            &mentee,
            &SuggestionFilter {
                query: Some("nobody-by-this-name".into()),
                ..Default::default()
            },
            10,
        );
        assert!(none.items.is_empty());
    }
}
