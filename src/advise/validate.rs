//! Each candidate judged by the planner: created as a HypoPG index, every sample planned again,
//! kept when a plan uses it and the mean cost drops by `--min-gain`, then dropped when a
//! smaller candidate serves as well. Named, sized and given its write cost at the end.

use tokio_postgres::Client;

use super::candidate::{Candidate, Method};
use super::hypo::HypoPg;
use super::plans::{self, Costing, Evaluation};
use super::report::{Proposal, Rejected, Unvalidated, WriteCost};
use super::table::{self, TableInfo};

/// A candidate's cost after is "as good" as a smaller one's within this factor.
const SERVES_AS_WELL: f64 = 1.05;

/// A candidate with the table it is for.
pub struct Planned {
    pub candidate: Candidate,
    pub table: TableInfo,
}

/// A candidate the planner accepted, before naming.
struct Accepted {
    planned: Planned,
    evaluation: Evaluation,
    hypo_name: String,
    size: i64,
}

/// The outcome for one check.
pub struct Outcome {
    /// What `--verify` builds, named: the first proposal, else every candidate not costed.
    pub to_verify: Vec<(String, Candidate)>,
    pub proposals: Vec<Proposal>,
    pub unvalidated: Vec<Unvalidated>,
    pub rejected: Vec<Rejected>,
}

/// What validation needs from the session.
pub struct Validation<'a> {
    pub client: &'a Client,
    pub hypo: &'a HypoPg,
    pub costing: &'a Costing,
    pub before: &'a Evaluation,
    pub min_gain: f64,
    /// Names to give the best candidate of a table: an index the check expects (`uses_index`)
    /// that does not exist, as `(table, name)`.
    pub wanted_names: Vec<(String, String)>,
}

impl Validation<'_> {
    /// Judges every candidate; the accepted are best first.
    pub async fn run(&self, candidates: Vec<Planned>) -> anyhow::Result<Outcome> {
        let mut accepted = Vec::new();
        let mut rejected = Vec::new();
        let mut gin = Vec::new();
        for planned in candidates {
            let body = planned
                .candidate
                .body(&qualified(self.client, &planned.candidate).await?);
            if planned.candidate.method == Method::Gin {
                match planned.table.gin_serving(&planned.candidate) {
                    Some(existing) => rejected.push(Rejected {
                        definition: body,
                        reason: format!("the existing GIN index {existing} has this key"),
                    }),
                    None => gin.push(planned),
                }
                continue;
            }
            match self.judge(planned, &body).await? {
                Ok(ok) => accepted.push(ok),
                Err(reason) => rejected.push(Rejected {
                    definition: body,
                    reason,
                }),
            }
        }
        self.hypo.reset(self.client).await?;
        let accepted = prune(accepted, &mut rejected, self.client).await?;
        let mut taken = Vec::new();
        let mut proposals = Vec::new();
        let first = accepted.first().map(|a| a.planned.candidate.clone());
        for a in accepted {
            proposals.push(self.proposal(a, &mut taken).await?);
        }
        let mut to_verify: Vec<(String, Candidate)> = first
            .into_iter()
            .zip(proposals.iter().map(|p| p.name.clone()))
            .map(|(c, n)| (n, c))
            .collect();
        let mut unvalidated = Vec::new();
        for planned in gin {
            let name = self.name_for(&planned.candidate, &mut taken).await?;
            let table = qualified(self.client, &planned.candidate).await?;
            if proposals.is_empty() {
                to_verify.push((name.clone(), planned.candidate.clone()));
            }
            unvalidated.push(Unvalidated {
                statement: statement(&name, &planned.candidate.body(&table)),
                name,
                rationale: planned.candidate.rationale.clone(),
                reason: format!("HypoPG {} cannot simulate GIN", self.hypo.version),
            });
        }
        Ok(Outcome {
            to_verify,
            proposals,
            unvalidated,
            rejected,
        })
    }

    async fn judge(
        &self,
        planned: Planned,
        body: &str,
    ) -> anyhow::Result<Result<Accepted, String>> {
        let hypo = match self
            .hypo
            .create(self.client, &format!("CREATE INDEX {body}"))
            .await
        {
            Ok(hypo) => hypo,
            Err(err) => return Ok(Err(crate::exit::one_line(&err))),
        };
        let evaluation = self.costing.evaluate(self.client).await;
        let size = self.hypo.size(self.client, &hypo).await;
        self.hypo.drop_index(self.client, &hypo).await?;
        let (evaluation, size) = (evaluation?, size?);
        let used = evaluation.used_by(&hypo.name);
        let gain = gain(self.before.cost, evaluation.cost);
        if used == 0 {
            return Ok(Err("the planner does not use it".to_owned()));
        }
        if gain * 100.0 < self.min_gain {
            return Ok(Err(format!(
                "cuts the estimated cost by {:.0}% only ({:.1} → {:.1})",
                gain * 100.0,
                self.before.cost,
                evaluation.cost
            )));
        }
        Ok(Ok(Accepted {
            planned,
            evaluation,
            hypo_name: hypo.name,
            size,
        }))
    }

    async fn proposal(&self, a: Accepted, taken: &mut Vec<String>) -> anyhow::Result<Proposal> {
        let candidate = &a.planned.candidate;
        let name = self.name_for(candidate, taken).await?;
        let table = qualified(self.client, candidate).await?;
        let statement = statement(&name, &candidate.body(&table));
        let rows = match &candidate.predicate {
            Some(p) => plans::estimated_rows(self.client, &table, Some(p)).await?,
            None => a.planned.table.rows,
        };
        let indexes_now = a.planned.table.indexes.len();
        #[allow(clippy::cast_precision_loss)]
        let bytes_per_entry = a.size as f64 / rows.max(1.0);
        Ok(Proposal {
            migration: format!("-- lma:no-transaction\n{statement}"),
            statement,
            table: format!("{}.{}", candidate.schema, candidate.table),
            method: candidate.method,
            rationale: candidate.rationale.clone(),
            cost_after: a.evaluation.cost,
            gain: gain(self.before.cost, a.evaluation.cost),
            plan_after: a.evaluation.fingerprint(Some((&a.hypo_name, &name))),
            used_by_samples: a.evaluation.used_by(&a.hypo_name),
            size_bytes: a.size,
            write_cost: WriteCost {
                indexes_now,
                indexes_after: indexes_now + 1,
                rows_indexed: rows,
                bytes_per_entry,
            },
            makes_redundant: a.planned.table.made_redundant_by(candidate),
            name,
        })
    }

    /// The check's expected index name for the first proposal on its table, else
    /// `idx_<table>_<keys>`, with `_2`, `_3`… when the name exists or is taken by another.
    async fn name_for(
        &self,
        candidate: &Candidate,
        taken: &mut Vec<String>,
    ) -> anyhow::Result<String> {
        let wanted = self
            .wanted_names
            .iter()
            .find(|(t, n)| t == &candidate.table && !taken.contains(n))
            .map(|(_, n)| n.clone());
        let base = wanted.unwrap_or_else(|| candidate.default_name());
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name)
            || table::name_taken(self.client, &candidate.schema, &name).await?
        {
            name = format!("{}_{n}", super::candidate::truncate(&base, 60));
            n += 1;
        }
        taken.push(name.clone());
        Ok(name)
    }
}

fn gain(before: f64, after: f64) -> f64 {
    if before <= 0.0 {
        0.0
    } else {
        (1.0 - after / before).max(0.0)
    }
}

/// `CREATE INDEX CONCURRENTLY IF NOT EXISTS <name> <body>;` with the name quoted when it must
/// be: `IF NOT EXISTS` so that its no-transaction migration can be rerun after a failure part
/// way (squawk's prefer-robust-stmts), as lma migrate reruns one.
fn statement(name: &str, body: &str) -> String {
    let quoted = if super::conditions::is_identifier(name) {
        name.to_owned()
    } else {
        crate::queries::quote_ident(name)
    };
    format!("CREATE INDEX CONCURRENTLY IF NOT EXISTS {quoted} {body};")
}

async fn qualified(client: &Client, candidate: &Candidate) -> anyhow::Result<String> {
    Ok(format!(
        "{}.{}",
        table::quoted(client, &candidate.schema).await?,
        table::quoted(client, &candidate.table).await?
    ))
}

/// Best first (lowest cost, then smallest), without the dominated: a candidate goes when
/// another is smaller and costs at most 5% more, or is as large and cheaper.
async fn prune(
    mut accepted: Vec<Accepted>,
    rejected: &mut Vec<Rejected>,
    client: &Client,
) -> anyhow::Result<Vec<Accepted>> {
    accepted.sort_by(|a, b| {
        a.evaluation
            .cost
            .total_cmp(&b.evaluation.cost)
            .then(a.size.cmp(&b.size))
    });
    let dominated: Vec<bool> = (0..accepted.len())
        .map(|j| {
            let big = &accepted[j];
            accepted.iter().enumerate().any(|(i, small)| {
                let (cost, big_cost) = (small.evaluation.cost, big.evaluation.cost);
                i != j
                    && ((small.size < big.size && cost <= big_cost * SERVES_AS_WELL)
                        || (small.size == big.size
                            && (cost.total_cmp(&big_cost).then(i.cmp(&j)).is_lt())))
            })
        })
        .collect();
    let mut kept = Vec::new();
    for (a, dominated) in accepted.into_iter().zip(dominated) {
        if dominated {
            let table = qualified(client, &a.planned.candidate).await?;
            rejected.push(Rejected {
                definition: a.planned.candidate.body(&table),
                reason: "another candidate is as small and cheaper, or smaller and as cheap"
                    .to_owned(),
            });
        } else {
            kept.push(a);
        }
    }
    Ok(kept)
}
