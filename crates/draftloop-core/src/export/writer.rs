//! Writers for each kind of file. Each writes to `<file>.partial` and renames it into
//! place when done, so an export that fails or is cancelled leaves nothing half-written.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::{Compression, ConvertedType, Repetition, Type as Physical};
use parquet::data_type::{ByteArray, ByteArrayType, Int32Type};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::ColumnPath;
use parquet::schema::types::Type;

use crate::error::{Error, Result};

use super::rows::Flat;
use super::Format;

/// The flat tables' text columns, in order; then one integer column per rubric dimension.
const COLUMNS: [&str; 16] = [
    "generation_id",
    "document_id",
    "project",
    "content_type",
    "prompt_version_id",
    "model",
    "created_at",
    "system",
    "prompt",
    "output",
    "final",
    "thumb",
    "decision",
    "reviewer",
    "status",
    "tags",
];

/// The text columns whose values repeat from row to row.
const REPEATING: [&str; 9] = [
    "project",
    "content_type",
    "prompt_version_id",
    "model",
    "thumb",
    "decision",
    "reviewer",
    "status",
    "tags",
];

/// Rows per Parquet row group: what is held in memory at once.
const ROW_GROUP: usize = 8_192;

fn csv_field(out: &mut impl Write, value: &str) -> std::io::Result<()> {
    if value.contains([',', '"', '\n', '\r']) {
        write!(out, "\"{}\"", value.replace('"', "\"\""))
    } else {
        out.write_all(value.as_bytes())
    }
}

/// Where a file is written until it is whole.
pub(super) fn partial_of(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

pub(super) struct Sink {
    path: PathBuf,
    partial: PathBuf,
    kind: Kind,
}

enum Kind {
    Jsonl(BufWriter<File>),
    Csv(BufWriter<File>, Vec<String>),
    Parquet(Box<ParquetSink>),
}

struct ParquetSink {
    writer: SerializedFileWriter<File>,
    dims: Vec<String>,
    text: Vec<Vec<Option<String>>>,
    ints: Vec<Vec<Option<i32>>>,
}

/// Rows go to the file in writes of this size: an export of 145 MB made 18,000 write
/// calls with the default 8 KiB.
const WRITE_BUFFER: usize = 256 * 1024;

impl Sink {
    pub(super) fn create(format: Format, path: &Path, dims: &[String]) -> Result<Sink> {
        let partial = partial_of(path);
        let file = File::create(&partial)
            .map_err(|e| Error::invalid(format!("could not write {}: {e}", path.display())))?;
        let kind = match format {
            Format::Csv => {
                let mut w = BufWriter::with_capacity(WRITE_BUFFER, file);
                let header: Vec<&str> = COLUMNS
                    .iter()
                    .copied()
                    .chain(dims.iter().map(String::as_str))
                    .collect();
                for (i, h) in header.iter().enumerate() {
                    if i > 0 {
                        w.write_all(b",")?;
                    }
                    csv_field(&mut w, h)?;
                }
                w.write_all(b"\r\n")?;
                Kind::Csv(w, dims.to_vec())
            }
            Format::Parquet => Kind::Parquet(Box::new(ParquetSink::new(file, dims)?)),
            _ => Kind::Jsonl(BufWriter::with_capacity(WRITE_BUFFER, file)),
        };
        Ok(Sink {
            path: path.to_owned(),
            partial,
            kind,
        })
    }

    /// Whether rows go in as JSON lines.
    pub(super) fn is_jsonl(&self) -> bool {
        matches!(self.kind, Kind::Jsonl(_))
    }

    /// A JSON line, without its newline.
    pub(super) fn write_line(&mut self, line: &[u8]) -> Result<()> {
        match &mut self.kind {
            Kind::Jsonl(w) => {
                w.write_all(line)?;
                w.write_all(b"\n")?;
                Ok(())
            }
            _ => Err(Error::invalid("a JSON line for a flat table")),
        }
    }

    /// A row of a flat table (CSV, Parquet).
    pub(super) fn write_flat(&mut self, row: &Flat) -> Result<()> {
        match &mut self.kind {
            Kind::Jsonl(_) => Err(Error::invalid("a flat row for a JSONL file")),
            Kind::Csv(w, dims) => {
                for (i, c) in row.cells().into_iter().enumerate() {
                    if i > 0 {
                        w.write_all(b",")?;
                    }
                    csv_field(w, c.as_deref().unwrap_or_default())?;
                }
                for d in dims.iter() {
                    w.write_all(b",")?;
                    if let Some(v) = row.rating(d) {
                        write!(w, "{v}")?;
                    }
                }
                w.write_all(b"\r\n")?;
                Ok(())
            }
            Kind::Parquet(p) => p.push(row),
        }
    }

    /// Flushes, syncs and moves the file into place.
    pub(super) fn finish(self) -> Result<PathBuf> {
        let file = match self.kind {
            Kind::Jsonl(w) | Kind::Csv(w, _) => w.into_inner().map_err(|e| e.into_error())?,
            Kind::Parquet(p) => p.close()?,
        };
        file.sync_all()?;
        std::fs::rename(&self.partial, &self.path)?;
        Ok(self.path)
    }

    pub(super) fn abandon(self) {
        drop(self.kind);
        let _ = std::fs::remove_file(&self.partial);
    }
}

impl ParquetSink {
    fn new(file: File, dims: &[String]) -> Result<ParquetSink> {
        let mut fields = Vec::new();
        for c in COLUMNS {
            fields.push(Arc::new(
                Type::primitive_type_builder(c, Physical::BYTE_ARRAY)
                    .with_repetition(Repetition::OPTIONAL)
                    .with_converted_type(ConvertedType::UTF8)
                    .build()?,
            ));
        }
        for d in dims {
            fields.push(Arc::new(
                Type::primitive_type_builder(d, Physical::INT32)
                    .with_repetition(Repetition::OPTIONAL)
                    .build()?,
            ));
        }
        let schema = Arc::new(
            Type::group_type_builder("draftloop_ratings")
                .with_fields(fields)
                .build()?,
        );
        // Dictionaries only where values repeat: for ids and free text they cost a hash
        // per value and are dropped anyway once they outgrow their page. Min/max
        // statistics on free text help no query and cost a comparison of whole texts.
        let mut props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_dictionary_enabled(false);
        for c in REPEATING {
            props = props.set_column_dictionary_enabled(ColumnPath::from(c), true);
        }
        for c in ["system", "prompt", "output", "final"] {
            props =
                props.set_column_statistics_enabled(ColumnPath::from(c), EnabledStatistics::None);
        }
        for d in dims {
            props = props.set_column_dictionary_enabled(ColumnPath::from(d.as_str()), true);
        }
        let props = Arc::new(props.build());
        Ok(ParquetSink {
            writer: SerializedFileWriter::new(file, schema, props)?,
            dims: dims.to_vec(),
            text: vec![Vec::new(); COLUMNS.len()],
            ints: vec![Vec::new(); dims.len()],
        })
    }

    fn push(&mut self, row: &Flat) -> Result<()> {
        for (column, cell) in self.text.iter_mut().zip(row.cells()) {
            column.push(cell.map(Cow::into_owned));
        }
        for (column, d) in self.ints.iter_mut().zip(&self.dims) {
            column.push(row.rating(d));
        }
        if self.text[0].len() >= ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.text[0].is_empty() {
            return Ok(());
        }
        let mut group = self.writer.next_row_group()?;
        let mut index = 0;
        while let Some(mut column) = group.next_column()? {
            if index < COLUMNS.len() {
                let values = std::mem::take(&mut self.text[index]);
                let levels: Vec<i16> = values.iter().map(|v| i16::from(v.is_some())).collect();
                let present: Vec<ByteArray> = values
                    .into_iter()
                    .flatten()
                    .map(|s| ByteArray::from(s.into_bytes()))
                    .collect();
                column
                    .typed::<ByteArrayType>()
                    .write_batch(&present, Some(&levels), None)?;
            } else {
                let values = std::mem::take(&mut self.ints[index - COLUMNS.len()]);
                let levels: Vec<i16> = values.iter().map(|v| i16::from(v.is_some())).collect();
                let present: Vec<i32> = values.into_iter().flatten().collect();
                column
                    .typed::<Int32Type>()
                    .write_batch(&present, Some(&levels), None)?;
            }
            column.close()?;
            index += 1;
        }
        group.close()?;
        Ok(())
    }

    fn close(mut self) -> Result<File> {
        self.flush()?;
        Ok(self.writer.into_inner()?)
    }
}
