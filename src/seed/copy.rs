//! Binary COPY of one table in one transaction, and the raw binary values it sends.
//!
//! The transaction disables the table's enabled user triggers, drops its plain (non-unique,
//! constraint-free) indexes, COPYs the rows, rebuilds the indexes from their own
//! `pg_get_indexdef` with their comments, enables the triggers again, and commits. Building an
//! index once over loaded rows is much cheaper than maintaining it row by row (the GIN and
//! trigram indexes above all), and because it is one transaction, a failure at any point rolls
//! the indexes and triggers back with the rows: the schema is never left changed.

use std::pin::pin;
use std::time::Instant;

use anyhow::Context as _;
use bytes::{BufMut as _, BytesMut};
use indicatif::ProgressBar;
use postgres_types::{to_sql_checked, IsNull, Kind, ToSql, Type};
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::{Client, Row, Transaction};

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

/// The table's user triggers that fire in a normal session (`tgenabled = 'O'`), as statements
/// quoted by the server: disable, enable. These are the summaries' triggers (V21, V23, V25).
/// Under `session_replication_role = replica` (superusers) they do not fire anyway; for any
/// other owner they would, and concurrent loads deadlocked: each table's `TRUNCATE` trigger
/// rebuilds every summary, locking them all and reading the tables the others were loading.
/// `refresh_summaries()` rebuilds the summaries once after the load instead.
const USER_TRIGGERS: &str = "
SELECT format('ALTER TABLE %s DISABLE TRIGGER %I', t.tgrelid::regclass, t.tgname),
       format('ALTER TABLE %s ENABLE TRIGGER %I', t.tgrelid::regclass, t.tgname)
FROM pg_trigger AS t
WHERE t.tgrelid = $1::text::regclass AND NOT t.tgisinternal AND t.tgenabled = 'O'
ORDER BY t.tgname";

/// How often the progress bar moves, in rows: often enough to look live, rare enough to cost
/// nothing.
const BAR_STEP: u64 = 4_096;

/// A row that can be sent by binary COPY. Declared with [`copy_row!`], which writes the struct,
/// its columns, its COPY statements and its values from one field list, in one order.
pub trait CopyRow: Send + Sync {
    /// The table the rows load into.
    const TABLE: Table;
    /// The table's columns, in the order of [`CopyRow::values`]: the struct's field names.
    const COLUMNS: &'static [&'static str];
    /// COPY (plain and FREEZE) and the probe whose result columns give the types that binary
    /// COPY needs (including the enums' OIDs), over [`CopyRow::COLUMNS`].
    const SQL: RowSql;
    /// The values of the row, one per column.
    fn values(&self) -> Vec<&(dyn ToSql + Sync)>;
}

/// The statements of one row type, built at compile time from its declaration.
#[derive(Debug)]
pub struct RowSql {
    pub copy: &'static str,
    pub copy_freeze: &'static str,
    pub probe: &'static str,
}

/// Declares one table's row type once: `copy_row! { Table::Leads, "leads", /// doc
/// #[derive(Debug)] pub struct Lead { id: i32, … } }`. Each field is the column of its name:
/// binary COPY checks types only, so a column list kept apart from the values could swap two
/// timestamp columns without an error.
macro_rules! copy_row {
    (
        $table:expr, $name:literal,
        $(#[$meta:meta])* $vis:vis struct $row:ident {
            $first:ident : $first_ty:ty $(, $field:ident : $ty:ty)* $(,)?
        }
    ) => {
        $(#[$meta])*
        // The fields are the schema's column names (communications.communication_type).
        #[allow(clippy::struct_field_names)]
        $vis struct $row {
            $first: $first_ty,
            $($field: $ty,)*
        }

        impl $crate::seed::copy::CopyRow for $row {
            const TABLE: $crate::seed::tables::Table = $table;
            const COLUMNS: &'static [&'static str] = &[stringify!($first) $(, stringify!($field))*];
            const SQL: $crate::seed::copy::RowSql = $crate::seed::copy::RowSql {
                copy: concat!(
                    "COPY ", $name, " (", stringify!($first), $(", ", stringify!($field),)*
                    ") FROM STDIN (FORMAT binary)"
                ),
                copy_freeze: concat!(
                    "COPY ", $name, " (", stringify!($first), $(", ", stringify!($field),)*
                    ") FROM STDIN (FORMAT binary, FREEZE)"
                ),
                probe: concat!(
                    "SELECT ", stringify!($first), $(", ", stringify!($field),)* " FROM ", $name,
                    " LIMIT 0"
                ),
            };

            fn values(&self) -> Vec<&(dyn postgres_types::ToSql + Sync)> {
                vec![&self.$first $(, &self.$field)*]
            }
        }
    };
}
pub(crate) use copy_row;

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
/// Tables no foreign key references are truncated (they are empty) and loaded with COPY
/// FREEZE, so the rows arrive frozen and all-visible and the closing VACUUM has nothing to do
/// (TRUNCATE refuses the other tables).
pub async fn load<R: CopyRow>(
    client: &mut Client,
    table: Table,
    rows: impl Iterator<Item = R> + Send,
    bar: &ProgressBar,
) -> anyhow::Result<Copied> {
    anyhow::ensure!(
        R::TABLE == table,
        "rows of {} cannot load into {}",
        R::TABLE.name(),
        table.name()
    );
    let started = Instant::now();
    let tx = client.transaction().await?;
    let set_aside = SetAside::take(&tx, table).await?;
    let count = copy_in(&tx, rows, bar).await?;
    bar.set_message("indexing");
    let copy_seconds = started.elapsed().as_secs_f64();
    set_aside.restore(&tx).await?;
    tx.commit().await?;
    Ok(Copied {
        rows: count,
        copy_seconds,
        index_seconds: started.elapsed().as_secs_f64() - copy_seconds,
    })
}

/// What the load takes out of the table's schema for its duration, to put back before commit.
struct SetAside {
    indexes: Vec<Row>,
    triggers: Vec<Row>,
}

impl SetAside {
    /// Truncates a leaf table, disables the user triggers and drops the plain indexes.
    async fn take(tx: &Transaction<'_>, table: Table) -> anyhow::Result<Self> {
        let name = table.name();
        let triggers = tx
            .query(USER_TRIGGERS, &[&name])
            .await
            .with_context(|| format!("cannot list the triggers of {name}"))?;
        execute_column(tx, &triggers, 0).await?;
        if table.is_leaf() {
            tx.batch_execute(table.sql().truncate).await?;
        }
        let indexes = tx
            .query(PLAIN_INDEXES, &[&name])
            .await
            .with_context(|| format!("cannot list the indexes of {name}"))?;
        execute_column(tx, &indexes, 0).await?;
        Ok(Self { indexes, triggers })
    }

    /// Rebuilds the indexes with their comments and enables the triggers again.
    async fn restore(&self, tx: &Transaction<'_>) -> anyhow::Result<()> {
        execute_column(tx, &self.indexes, 1).await?;
        execute_column(tx, &self.indexes, 2).await?;
        execute_column(tx, &self.triggers, 1).await
    }
}

/// Runs the statement in `column` of every row; a NULL (an index without a comment) is skipped.
async fn execute_column(tx: &Transaction<'_>, rows: &[Row], column: usize) -> anyhow::Result<()> {
    for row in rows {
        if let Some(sql) = row.try_get::<_, Option<&str>>(column)? {
            tx.batch_execute(sql)
                .await
                .with_context(|| format!("cannot {sql}"))?;
        }
    }
    Ok(())
}

/// Streams `rows` through binary COPY (FREEZE for a leaf table) and returns how many went.
async fn copy_in<R: CopyRow>(
    tx: &Transaction<'_>,
    rows: impl Iterator<Item = R> + Send,
    bar: &ProgressBar,
) -> anyhow::Result<u64> {
    let sql = R::SQL;
    let types: Vec<Type> = tx
        .prepare(sql.probe)
        .await?
        .columns()
        .iter()
        .map(|c| c.type_().clone())
        .collect();
    let statement = if R::TABLE.is_leaf() {
        sql.copy_freeze
    } else {
        sql.copy
    };
    let sink = tx.copy_in(statement).await?;
    let mut writer = pin!(BinaryCopyInWriter::new(sink, &types));
    let mut count = 0u64;
    for row in rows {
        writer.as_mut().write(&row.values()).await?;
        count += 1;
        if count.is_multiple_of(BAR_STEP) {
            bar.inc(BAR_STEP);
        }
    }
    writer.as_mut().finish().await?;
    bar.set_position(count);
    Ok(count)
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
