//! The tantivy schema of the embedded store and the word tokenizer it indexes with.

use crate::query::words::{fold, word_spans};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
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

/// Handles to the schema's fields.
#[derive(Debug, Clone, Copy)]
pub struct StoreFields {
    pub id: Field,
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
}

pub fn build_schema() -> Schema {
    let mut builder = Schema::builder();
    builder.add_text_field("id", STRING | STORED);
    builder.add_u64_field("seq", INDEXED | FAST | STORED);
    builder.add_i64_field("ts", INDEXED | FAST);
    builder.add_text_field("level", STRING | FAST);
    builder.add_u64_field("level_rank", INDEXED | FAST);
    builder.add_text_field("service", STRING | FAST);
    builder.add_text_field("host", STRING | FAST);
    builder.add_text_field("trace_id", STRING);
    let message = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(WORDS_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    builder.add_text_field("message", message);
    builder.add_text_field("terms", STRING);
    builder.add_text_field("source", STORED);
    builder.build()
}

impl StoreFields {
    pub fn resolve(schema: &Schema) -> tantivy::Result<StoreFields> {
        Ok(StoreFields {
            id: schema.get_field("id")?,
            seq: schema.get_field("seq")?,
            ts: schema.get_field("ts")?,
            level: schema.get_field("level")?,
            level_rank: schema.get_field("level_rank")?,
            service: schema.get_field("service")?,
            host: schema.get_field("host")?,
            trace_id: schema.get_field("trace_id")?,
            message: schema.get_field("message")?,
            terms: schema.get_field("terms")?,
            source: schema.get_field("source")?,
        })
    }
}

pub fn register_tokenizer(index: &Index) {
    index
        .tokenizers()
        .register(WORDS_TOKENIZER, TextAnalyzer::from(WordTokenizer));
}

/// Emits the folded words of `query::words`, skipping (but counting positions for)
/// words too long to index.
#[derive(Clone, Default)]
pub struct WordTokenizer;

pub struct WordStream {
    tokens: std::vec::IntoIter<Token>,
    current: Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        let tokens: Vec<Token> = word_spans(text)
            .enumerate()
            .filter(|(_, (_, word))| word.len() <= MAX_INDEXED_WORD_BYTES)
            .map(|(position, (start, word))| Token {
                offset_from: start,
                offset_to: start + word.len(),
                position,
                text: fold(word),
                position_length: 1,
            })
            .collect();
        WordStream {
            tokens: tokens.into_iter(),
            current: Token::default(),
        }
    }
}

impl TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}
