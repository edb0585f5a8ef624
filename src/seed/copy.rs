//! Binary COPY of one table in one transaction, and the raw binary values it sends.
//!
//! The transaction drops the table's plain (non-unique, constraint-free) indexes, COPYs the
//! rows, rebuilds the indexes from their own `pg_get_indexdef` with their comments, and commits.
//! Building an index once over loaded rows is much cheaper than maintaining it row by row
//! (the GIN and trigram indexes above all), and because it is one transaction, a failure at
//! any point rolls the indexes back with the rows: the schema is never left changed.

use std::pin::pin;
use std::time::Instant;

use anyhow::Context as _;
use bytes::{BufMut as _, BytesMut};
use indicatif::ProgressBar;
use postgres_types::{to_sql_checked, IsNull, Kind, ToSql, Type};
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::Client;

use super::tables::Table;

/// The table's plain indexes, as statements quoted by the server: drop, create, comment.
const PLAIN_INDEXES: &str = "
SELECT format('DROP INDEX %I.%I', n.nspname, c.relname),
       pg_get_indexdef(i.indexrelid),
       (SELECT format('COMMENT ON INDEX %I.%I IS %L', n.nspname, c.relname, d.description)
          FROM pg_description AS d
         WHERE d.objoid = i.indexrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0)
FROM pg_index AS i
JOIN pg_class AS c ON c.oid = i.indexrelid
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE i.indrelid = $1::text::regclass
  AND NOT i.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS k WHERE k.conindid = i.indexrelid)
ORDER BY c.relname";

/// How often the progress bar moves, in rows: often enough to look live, rare enough to cost
/// nothing.
const BAR_STEP: u64 = 4_096;

/// A row that can be sent by binary COPY, its values in the table's column order.
pub trait CopyRow: Send + Sync {
    /// The values of the row, one per column of the table's COPY statement.
    fn values(&self) -> Vec<&(dyn ToSql + Sync)>;
}

/// What one table's load did and where its time went.
#[derive(Debug, Clone, Copy)]
pub struct Copied {
    pub rows: u64,
    /// Generating and COPYing the rows.
    pub copy_seconds: f64,
    /// Rebuilding the plain indexes and committing.
    pub index_seconds: f64,
}

/// Loads `rows` into `table` in one transaction.
///
/// `freeze`: truncate the (empty) table first and COPY FREEZE, so the rows arrive frozen and
/// all-visible and the closing VACUUM has nothing to do. Only for tables no foreign key
/// references (TRUNCATE refuses the others).
pub async fn load<R: CopyRow>(
    client: &mut Client,
    table: Table,
    rows: impl Iterator<Item = R> + Send,
    bar: &ProgressBar,
) -> anyhow::Result<Copied> {
    let sql = table.sql();
    let started = Instant::now();
    let name = table.name();
    let tx = client.transaction().await?;
    let freeze = table.is_leaf();
    if freeze {
        tx.batch_execute(sql.truncate).await?;
    }
    let indexes = tx
        .query(PLAIN_INDEXES, &[&name])
        .await
        .with_context(|| format!("cannot list the indexes of {name}"))?;
    for index in &indexes {
        tx.batch_execute(index.try_get::<_, &str>(0)?).await?;
    }
    let types: Vec<Type> = tx
        .prepare(sql.probe)
        .await?
        .columns()
        .iter()
        .map(|c| c.type_().clone())
        .collect();
    let sink = tx
        .copy_in(if freeze { sql.copy_freeze } else { sql.copy })
        .await?;
    let mut writer = pin!(BinaryCopyInWriter::new(sink, &types));
    let mut count = 0u64;
    for row in rows {
        writer.as_mut().write(&row.values()).await?;
        count += 1;
        if count % BAR_STEP == 0 {
            bar.inc(BAR_STEP);
        }
    }
    writer.as_mut().finish().await?;
    bar.set_position(count);
    bar.set_message("indexing");
    let copy_seconds = started.elapsed().as_secs_f64();
    for index in &indexes {
        tx.batch_execute(index.try_get::<_, &str>(1)?).await?;
        if let Some(comment) = index.try_get::<_, Option<&str>>(2)? {
            tx.batch_execute(comment).await?;
        }
    }
    tx.commit().await?;
    Ok(Copied {
        rows: count,
        copy_seconds,
        index_seconds: started.elapsed().as_secs_f64() - copy_seconds,
    })
}

/// A timestamp(tz): microseconds since 2000-01-01T00:00:00Z, as PostgreSQL stores it.
#[derive(Debug, Clone, Copy)]
pub struct Ts(pub i64);

impl ToSql for Ts {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        out.put_i64(self.0);
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::TIMESTAMPTZ | Type::TIMESTAMP)
    }

    to_sql_checked!();
}

/// A date: days since 2000-01-01.
#[derive(Debug, Clone, Copy)]
pub struct Day(pub i32);

impl ToSql for Day {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        out.put_i32(self.0);
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::DATE
    }

    to_sql_checked!();
}

/// A jsonb value already serialized as JSON text.
#[derive(Debug, Clone)]
pub struct Jsonb(pub String);

impl ToSql for Jsonb {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        out.put_u8(1); // jsonb's binary format version
        out.put_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::JSONB
    }

    to_sql_checked!();
}

/// A label of an enum type (or a text value), sent as its text.
#[derive(Debug, Clone, Copy)]
pub struct Label(pub &'static str);

impl ToSql for Label {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        out.put_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        matches!(ty.kind(), Kind::Enum(_)) || matches!(*ty, Type::TEXT | Type::VARCHAR)
    }

    to_sql_checked!();
}

type BoxError = Box<dyn std::error::Error + Sync + Send>;
