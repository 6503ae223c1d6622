//! The tantivy schema of the embedded store and the word tokenizer it indexes with.

use crate::query::words::fold;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED, STRING,
};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::Index;

/// The tokenizer name registered on every opened index.
pub const WORDS_TOKENIZER: &str = "logagg_words";

/// Words longer than this are not indexed as terms (tantivy caps term length); queries
/// for them, and wildcards that could match them, fall back to checking stored events.
pub const MAX_INDEXED_WORD_BYTES: usize = 255;

/// String values of `fields` longer than this are not indexed as terms, for the same reason.
pub const MAX_INDEXED_VALUE_BYTES: usize = 1024;

/// What a store's format changes for queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreFormat {
    /// Format 1: every whole trace id is a term of `trace_id`, and a `k␀key` term marks
    /// each key an event has.
    V1,
    /// Format 2: the first `TRACE_PREFIX_CHARS` characters of a trace id are a term of
    /// `terms` (`document::trace_prefix_term`), candidates checked against the stored event
    /// (whole ids cost more than a tenth of the store, one unique term per event); a key
    /// is known present from its values' terms, so no `k␀` terms (a fifth of all terms).
    V2,
}

/// Characters of a trace id indexed by format 2: about 65,000 terms for hex ids, so a
/// lookup checks one stored event in 65,000.
pub const TRACE_PREFIX_CHARS: usize = 4;

/// Handles to the schema's fields.
#[derive(Debug, Clone, Copy)]
pub struct StoreFields {
    pub seq: Field,
    pub ts: Field,
    pub level: Field,
    pub level_rank: Field,
    pub service: Field,
    pub host: Field,
    pub trace_id: Field,
    pub message: Field,
    /// Typed terms for `fields` keys and per-event flags; see `document::field_terms`.
    pub terms: Field,
    /// The canonical JSON of the event, returned by queries.
    pub source: Field,
    pub format: StoreFormat,
}

/// The schema of a store of `format` (`layout::FORMAT` for new stores).
pub fn build_schema(format: u32) -> Schema {
    if format < 2 {
        return build_schema_v1();
    }
    let mut builder = Schema::builder();
    // Format 1 stored an id per event, never read: the commit's positions say where each
    // event came from. Kept (and left empty) so both formats have the same fields.
    builder.add_text_field("id", STORED);
    // Ranges over these run on their fast columns; an inverted index of a value unique to
    // nearly every event would only cost terms.
    let number = NumericOptions::default().set_fast();
    builder.add_u64_field("seq", number.clone().set_stored());
    builder.add_i64_field("ts", number.clone());
    builder.add_text_field("level", keyword() | FAST);
    builder.add_u64_field("level_rank", number);
    builder.add_text_field("service", keyword() | FAST);
    builder.add_text_field("host", keyword() | FAST);
    builder.add_text_field("trace_id", TextOptions::default());
    builder.add_text_field("message", message_options(false));
    builder.add_text_field("terms", keyword());
    builder.add_text_field("source", STORED);
    builder.build()
}

/// The schema stores were created with before format 2; they open and take writes as
/// they are.
fn build_schema_v1() -> Schema {
    let mut builder = Schema::builder();
    builder.add_text_field("id", STORED);
    builder.add_u64_field("seq", INDEXED | FAST | STORED);
    builder.add_i64_field("ts", INDEXED | FAST);
    builder.add_text_field("level", STRING | FAST);
    builder.add_u64_field("level_rank", INDEXED | FAST);
    builder.add_text_field("service", STRING | FAST);
    builder.add_text_field("host", STRING | FAST);
    builder.add_text_field("trace_id", STRING);
    builder.add_text_field("message", message_options(true));
    builder.add_text_field("terms", STRING);
    builder.add_text_field("source", STORED);
    builder.build()
}

fn message_options(fieldnorms: bool) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(WORDS_TOKENIZER)
            .set_fieldnorms(fieldnorms)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

/// An exact-match field. Nothing is ranked by relevance, so no field norms.
fn keyword() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_fieldnorms(false)
            .set_index_option(IndexRecordOption::Basic),
    )
}

impl StoreFields {
    pub fn resolve(schema: &Schema) -> tantivy::Result<StoreFields> {
        let trace_id = schema.get_field("trace_id")?;
        let format = if schema.get_field_entry(trace_id).is_indexed() {
            StoreFormat::V1
        } else {
            StoreFormat::V2
        };
        Ok(StoreFields {
            seq: schema.get_field("seq")?,
            ts: schema.get_field("ts")?,
            level: schema.get_field("level")?,
            level_rank: schema.get_field("level_rank")?,
            service: schema.get_field("service")?,
            host: schema.get_field("host")?,
            trace_id,
            message: schema.get_field("message")?,
            terms: schema.get_field("terms")?,
            source: schema.get_field("source")?,
            format,
        })
    }
}

pub fn register_tokenizer(index: &Index) {
    index
        .tokenizers()
        .register(WORDS_TOKENIZER, TextAnalyzer::from(WordTokenizer));
}

/// Emits the folded words of `query::words`, skipping (but counting positions for)
/// words too long to index. Streams without allocating per word: this runs for every
/// word of every stored message.
#[derive(Clone, Default)]
pub struct WordTokenizer;

pub struct WordStream<'a> {
    text: &'a str,
    /// Byte offset where the search for the next word starts.
    cursor: usize,
    position: usize,
    current: Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        WordStream {
            text,
            cursor: 0,
            position: 0,
            current: Token::default(),
        }
    }
}

impl WordStream<'_> {
    /// The next word at or after the cursor, as (start, end) byte offsets.
    fn next_word(&mut self) -> Option<(usize, usize)> {
        let rest = &self.text[self.cursor..];
        let (start_rel, _) = rest.char_indices().find(|(_, c)| c.is_alphanumeric())?;
        let start = self.cursor + start_rel;
        let end = self.text[start..]
            .char_indices()
            .find(|(_, c)| !c.is_alphanumeric())
            .map_or(self.text.len(), |(i, _)| start + i);
        self.cursor = end;
        Some((start, end))
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        while let Some((start, end)) = self.next_word() {
            let position = self.position;
            self.position += 1;
            // Folding never grows a word more than threefold, so longer ones are skipped unfolded.
            if end - start > 3 * MAX_INDEXED_WORD_BYTES {
                continue;
            }
            let word = &self.text[start..end];
            let token = &mut self.current;
            token.text.clear();
            if word.is_ascii() {
                token.text.push_str(word);
                token.text.make_ascii_lowercase();
            } else {
                token.text.push_str(&fold(word));
            }
            // The limit applies to the folded form, the form queries are compared in.
            if token.text.len() > MAX_INDEXED_WORD_BYTES {
                continue;
            }
            token.offset_from = start;
            token.offset_to = end;
            token.position = position;
            token.position_length = 1;
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::words::folded_words;

    #[test]
    fn tokenizer_agrees_with_the_predicate_words() {
        for text in [
            "",
            "GET /api/v1 500",
            "  Ünïcode-TEXT_x ",
            "ΟΔΟΣ σ",
            &format!("a {} b", "y".repeat(300)),
        ] {
            let mut tokenizer = WordTokenizer;
            let mut stream = tokenizer.token_stream(text);
            let mut got = Vec::new();
            while stream.advance() {
                got.push((stream.token().position, stream.token().text.clone()));
            }
            let expected: Vec<(usize, String)> = folded_words(text)
                .into_iter()
                .enumerate()
                .filter(|(_, w)| w.len() <= MAX_INDEXED_WORD_BYTES)
                .collect();
            assert_eq!(got, expected, "{text}");
        }
    }
}
