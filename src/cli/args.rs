//! The command line as the user types it (raw values; `settings` resolves them).

use crate::format::FormatChoice;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  logagg simulate --to embedded --count 1000000      fill the local store with realistic logs
  logagg query 'service:auth AND level:error' --since 1h
  logagg query 'latency_ms:>500' --output json | jq .service
  logagg query '*' --count-by service
  logagg tail --level error                          follow what another process writes

Query language: service:auth level:>=warn \"connection refused\" -host:canary* latency_ms:>500
  message:/time(d)? ?out/ @timestamp:[now-15m TO now] (a OR b) NOT c; see `logagg query --help`.";

const QUERY_LANGUAGE: &str = "\
Examples:
  logagg query 'service:auth AND level:error' --since 1h
  logagg query '\"connection refused\" -host:canary*' --limit 0 --output logfmt
  logagg query 'latency_ms:>500' --output json | jq .fields.latency_ms
  logagg query '*' --count-by service --since 15m

Query language:
  service:auth level:>=warn      keywords (service, host, level, trace_id): exact, case-sensitive;
                                 * and ? are wildcards, quotes turn them off
  level:>=warn level:[info TO error]   levels compare in the order trace<debug<info<warn<error<fatal
  timeout \"connection refused\"   bare words and phrases search the message: whole words, any case
  conn*  t?med                   word wildcards on the message
  message:/time(d)? ?out/        a regex, found anywhere in the value (anchor with ^ and $)
  latency_ms:>500 status:[400 TO 499}   other names are keys of `fields`; numbers compare as numbers
  user.id:u42                    nested objects are dotted keys; fields.KEY works too
  trace_id:*  NOT status:*       KEY:* means the key exists; a missing key never matches
  @timestamp:[now-15m TO now]    RFC 3339 or now-15m; --since/--until are shorthands
  a OR b AND NOT c               NOT (or -) binds tightest, then AND (also a b), then OR

Exit status: 0 when something matched, 1 when nothing did, 2 on a bad query or usage.";

#[derive(Debug, Parser)]
#[command(name = "logagg", version, about = "Terminal-first log aggregation: simulate, store, query and tail logs", after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Directory of the embedded store [default: $XDG_DATA_HOME/logagg]
    #[arg(long, global = true, env = "LOGAGG_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]
    #[arg(long, global = true, env = "LOGAGG_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Profile of the configuration file to use [default: the file's `profile`, else "local"]
    #[arg(long, global = true, env = "LOGAGG_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// When to color output (NO_COLOR in the environment turns `auto` off)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, env = "LOGAGG_COLOR")]
    pub color: ColorChoice,
    /// Write a long answer straight to the terminal instead of through the pager
    /// ($LOGAGG_PAGER, else $PAGER, else less)
    #[arg(long, global = true)]
    pub no_pager: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate realistic logs from a fleet of fake services
    #[command(after_help = "\
Examples:
  logagg simulate --to embedded --count 1000000           backfill: as fast as possible, ending now
  logagg simulate --to embedded --rate 500                 live: 500 events/s until Ctrl-C
  logagg simulate --seed 7 --start 2026-01-01T00:00:00Z --count 1000 --to stdout   reproducible NDJSON
  logagg simulate --to kafka --brokers 127.0.0.1:9092 --rate 20000 --create-topic")]
    Simulate(SimulateArgs),
    /// Load log lines from files or standard input into the store (or Kafka, Elasticsearch,
    /// stdout), each line's own time, level, host and program read from its format
    #[command(after_help = "\
Examples:
  logagg ship /var/log/syslog /var/log/nginx/access.log   formats detected per file
  kubectl logs deploy/api | logagg ship --service api --to kafka
  logagg ship /var/log/app/*.log --service app --field env=prod --multiline '^\\d{4}-'
  logagg ship /var/log/app/app.log --follow --service app      like tail -F, rotation-safe, exactly once
  logagg ship legacy.log --time-format '%d.%m.%Y %H:%M:%S' --timezone +01:00")]
    Ship(ShipArgs),
    /// Consume a Kafka topic into the store (exactly once), Elasticsearch, another topic or stdout
    #[command(after_help = "\
Examples:
  logagg ingest --brokers 127.0.0.1:9092 --topic logs
  logagg ingest --exit-at-end            backfill what is in the topic now, then stop
  logagg ingest --to elasticsearch --es-url http://127.0.0.1:9200
  logagg ingest --to stdout --exit-at-end --filter 'level:>=error'   decoded events, like kcat")]
    Ingest(IngestArgs),
    /// List dead letters (events the store rejected) and replay them once the cause is fixed
    #[command(after_help = "\
Examples:
  logagg dlq list --topic logs                 what was rejected, why, and whether it was replayed
  logagg dlq list --output json | jq .reason
  logagg dlq replay --topic logs               send them back to 'logs' (each once, however often it runs)")]
    Dlq(DlqArgs),
    /// Search stored events
    #[command(after_help = "\
Examples:
  logagg query 'service:auth AND level:error' --since 1h
  logagg query '\"connection refused\" -host:canary*' --limit 0 --output logfmt
  logagg query 'latency_ms:>500' --output json | jq .fields.latency_ms
  logagg query '*' --count-by service --since 15m
  logagg query 'level:>=warn' --count

Exit status: 0 when something matched, 1 when nothing did, 2 on a bad query or usage.",
        after_long_help = QUERY_LANGUAGE)]
    Query(QueryArgs),
    /// List the fields the matching events have: how many hold each, the range of its
    /// numbers, and (with --values) its most frequent values
    #[command(after_help = "\
Examples:
  logagg fields                                 every key the store's events have
  logagg fields 'service:payments' --since 1h   the keys of some events
  logagg fields --values 5                      with each key's five most frequent values
  logagg fields -o json | jq -r .field

Exit status: 0 when something matched, 1 when nothing did, 2 on a bad query or usage.")]
    Fields(FieldsArgs),
    /// Follow new events as they are stored
    #[command(after_help = "\
Examples:
  logagg tail --level error
  logagg tail 'service:payments AND declined' -n 50
  logagg tail --service 'auth*' --output json | jq -c .message
  logagg tail --source kafka 'service:payments AND level:>=warn'   live from Kafka, before indexing
  logagg tail --source kafka -n 20     the last 20 from the store, then Kafka from exactly where the store ends
  logagg tail --level error --store elasticsearch")]
    Tail(TailArgs),
    /// The live dashboard: stream, filter, histogram by level, top services, details
    #[command(after_help = "\
Examples:
  logagg dash                                   the configured store, live
  logagg dash 'service:payments' --source kafka events as they reach Kafka
  logagg dash 'level:>=warn' --buffer 50000

Keys: space pause, / filter, 1-6 levels, enter detail, tab services, ? help, q quit.")]
    Dash(DashArgs),
    /// Simulator, embedded store and dashboard in one process: zero setup
    #[command(after_help = "\
Examples:
  logagg demo                                   a lively shop with periodic incidents
  logagg demo --rate 2000 --data-dir /tmp/shop  keep the store afterwards
  logagg demo --headless --duration 30s         the same pipeline without a terminal, then a summary")]
    Demo(DemoArgs),
    /// Answer queries over HTTP from the embedded store (the query language and JSON of `query`)
    #[command(after_help = "\
Examples:
  logagg serve                                  on 127.0.0.1:9471, the store in --data-dir
  curl 'http://127.0.0.1:9471/api/v1/count_by?by=service&since=15m'
  curl 'http://127.0.0.1:9471/api/v1/query?q=service:auth+AND+level:error&limit=20'
  curl -G http://127.0.0.1:9471/api/v1/count --data-urlencode 'q=\"connection refused\"'

Endpoints (GET): /api/v1/query (q, since, until, limit, order=newest|oldest: JSON lines),
/api/v1/count (q, since, until: {\"count\":N}), /api/v1/count_by (by, q, since, until, limit:
JSON lines, most frequent first), /health. Each request sees the store's last commit.")]
    Serve(ServeArgs),
    /// Start the Docker stack: Kafka, Elasticsearch, ingestors, Prometheus, Grafana
    #[command(after_help = "\
Examples:
  logagg up                              single ingestor, 3 partitions; waits until healthy
  logagg up --ingestors 3 --partitions 6 three ingestors in one consumer group
  logagg up --kafka-retention 3d

Ports (all on 127.0.0.1): Kafka 9092, Elasticsearch 9200, Prometheus 9090, Grafana 3000
(LOGAGG_KAFKA_PORT, LOGAGG_ES_PORT, LOGAGG_PROMETHEUS_PORT, LOGAGG_GRAFANA_PORT change them).")]
    Up(UpArgs),
    /// Stop the Docker stack
    Down(DownArgs),
    /// The embedded store and the Docker stack: health, ingest rate, consumer lag
    Status,
    /// Elasticsearch housekeeping: install the index template
    #[command(subcommand)]
    Es(EsCommand),
    /// Remove old events from the store, by age and/or total size
    #[command(after_help = "\
Examples:
  logagg retention --keep 7d --dry-run
  logagg retention --keep 30d --max-size 20GiB
  logagg retention --keep 7d --store elasticsearch --dry-run")]
    Retention(RetentionArgs),
    /// Rebuild a damaged embedded store's manifest from its parts (nothing is deleted)
    #[command(after_help = "\
Examples:
  logagg repair --dry-run                 say what is wrong and what repair would do
  logagg repair --data-dir /var/lib/logagg

Each part of the store records its own number, the sequence numbers of its events and the
source positions its commit reached, so a lost or unreadable manifest.json (or store.json)
is rebuilt from the parts alone. Files that cannot belong to the store (unreadable, or
holding events another part holds) are moved to orphans/ or damaged/, never deleted.
Needs the writer lock: stop writers first.")]
    Repair(RepairArgs),
    /// Print a shell completion script
    #[command(
        after_help = "Example:\n  logagg completions bash > ~/.local/share/bash-completion/completions/logagg"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Saved queries: name a query once, then write @NAME in any query
    #[command(after_help = "\
Examples:
  logagg saved add errors 'level:>=error'
  logagg saved add checkout 'service:(payments OR cart) AND @errors'
  logagg query '@checkout' --since 1h
  logagg saved list
  logagg saved rm checkout

@NAME stands for the saved query in parentheses wherever a word may stand (not inside quotes
or a regex, and not before a colon: @timestamp:... is the field). They are kept in
queries.toml beside the config file, one name = \"query\" per line.")]
    Saved {
        #[command(subcommand)]
        action: Option<SavedAction>,
    },
    /// The queries run lately (query, tail, fields and the dashboard's filters), oldest first
    History(HistoryArgs),
    /// Print a manual page (roff): logagg(1), or a command's
    #[command(after_help = "Examples:\n  logagg man | man -l -\n  logagg man query | man -l -")]
    Man {
        /// The command whose page to print (query, ship, ...); none for logagg(1)
        command: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SinkKind {
    /// NDJSON on standard output
    Stdout,
    /// The embedded store in --data-dir
    Embedded,
    /// A Kafka topic (--brokers, --topic)
    Kafka,
    /// An Elasticsearch or OpenSearch cluster (--es-url)
    Elasticsearch,
}

#[derive(Debug, Args)]
pub struct KafkaArgs {
    /// Kafka bootstrap servers [default: the profile's `brokers`, else 127.0.0.1:9092]
    #[arg(long, env = "LOGAGG_BROKERS", value_name = "HOST:PORT,...")]
    pub brokers: Option<String>,
    /// Topic the events travel on
    #[arg(long, env = "LOGAGG_TOPIC", default_value = "logs")]
    pub topic: String,
    #[command(flatten)]
    pub security: KafkaSecurityArgs,
}

/// How to reach a secured cluster; each also has a profile key (`kafka_ca`, ...).
#[derive(Debug, Args)]
#[command(next_help_heading = "Kafka security")]
pub struct KafkaSecurityArgs {
    /// Connect over TLS, trusting the system's certificate authorities (implied by the
    /// other TLS flags and by --kafka-sasl)
    #[arg(long)]
    pub kafka_tls: bool,
    /// Certificate authority (PEM) that signed the brokers' certificates
    #[arg(long, env = "LOGAGG_KAFKA_CA", value_name = "FILE")]
    pub kafka_ca: Option<PathBuf>,
    /// Client certificate (PEM) for mutual TLS, with --kafka-key
    #[arg(long, env = "LOGAGG_KAFKA_CERT", value_name = "FILE")]
    pub kafka_cert: Option<PathBuf>,
    /// Client private key (PEM) for mutual TLS
    #[arg(long, env = "LOGAGG_KAFKA_KEY", value_name = "FILE")]
    pub kafka_key: Option<PathBuf>,
    /// SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless
    /// --kafka-opt security.protocol=SASL_PLAINTEXT)
    #[arg(long, env = "LOGAGG_KAFKA_SASL", value_name = "MECHANISM")]
    pub kafka_sasl: Option<String>,
    /// SASL user
    #[arg(long, env = "LOGAGG_KAFKA_USER", value_name = "USER")]
    pub kafka_user: Option<String>,
    /// File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed
    #[arg(long, value_name = "FILE")]
    pub kafka_password_file: Option<PathBuf>,
    /// Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable;
    /// applied last)
    #[arg(long, value_name = "KEY=VALUE")]
    pub kafka_opt: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Where events go [default: the profile's `sink`, else embedded]
    #[arg(long, value_enum)]
    pub to: Option<SinkKind>,
    /// Events per second; 0 = as fast as possible [default: 0 with --count, else 1000]
    #[arg(long, value_name = "N")]
    pub rate: Option<u64>,
    /// Stop after this many events
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Stop after this much simulated time, e.g. 30s, 10m, 2h
    #[arg(long, value_name = "DURATION")]
    pub duration: Option<String>,
    /// Seed of the generator; the same seed and --start give the same events
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Timestamp of the first event (RFC 3339) [default: now, or early enough that a backfill ends now]
    #[arg(long, value_name = "RFC3339")]
    pub start: Option<String>,
    /// How often the store commits (and becomes visible to readers)
    #[arg(long, value_name = "DURATION", default_value = "1s")]
    pub commit_interval: String,
    #[command(flatten)]
    pub kafka: KafkaArgs,
    #[command(flatten)]
    pub new_topic: NewTopicArgs,
    #[command(flatten)]
    pub metrics: MetricsArgs,
    #[command(flatten)]
    pub es: EsArgs,
}

#[derive(Debug, Args)]
pub struct NewTopicArgs {
    /// Create the topic if it does not exist
    #[arg(long)]
    pub create_topic: bool,
    /// Partitions of a topic created with --create-topic
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub partitions: i32,
    /// Replication factor of a topic created with --create-topic
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub replication_factor: i32,
}

#[derive(Debug, Args)]
pub struct ShipArgs {
    /// Files to read (default, or `-`: standard input)
    #[arg(value_name = "FILE")]
    pub files: Vec<std::path::PathBuf>,
    /// Service of lines that do not name one
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
    /// Host of lines that do not name one [default: this machine's name]
    #[arg(long, value_name = "NAME")]
    pub host: Option<String>,
    /// Extra context added to every event's fields (repeatable), e.g. --field env=prod
    #[arg(long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    /// A regex that starts an entry; lines that do not match it (stack traces) join the
    /// entry before them
    #[arg(long, value_name = "REGEX")]
    pub multiline: Option<String>,
    /// Leave out the field `log.file.path` that each event read from a file carries
    /// otherwise (events shipped again from an export keep what they had)
    #[arg(long)]
    pub no_file_path: bool,
    /// Keep reading as the files grow, across rotation (rename and create, or
    /// copytruncate). Into the embedded store the positions are committed with the events
    /// (exactly once); into other sinks a checkpoint file remembers what they confirmed
    #[arg(long, requires = "files")]
    pub follow: bool,
    /// Checkpoint file of --follow into Kafka, Elasticsearch or stdout
    /// [default: DATA_DIR/ship/SINK-HASH.json, one per sink and set of files]
    #[arg(long, value_name = "FILE", requires = "follow")]
    pub checkpoint: Option<std::path::PathBuf>,
    /// How often --follow looks for new lines when the files are quiet
    #[arg(long, value_name = "DURATION", default_value = "250ms")]
    pub poll: String,
    /// Where events go [default: the profile's `sink`, else embedded]
    #[arg(long, value_enum)]
    pub to: Option<SinkKind>,
    /// Format of the lines; `auto` detects it from the first lines of each file
    #[arg(long, value_enum, default_value_t = FormatChoice::Auto)]
    pub format: FormatChoice,
    /// A strftime pattern for times no format knows, e.g. '%d.%m.%Y %H:%M:%S' (found at the
    /// start of the line or of one of its first words)
    #[arg(long, value_name = "PATTERN")]
    pub time_format: Option<String>,
    /// Zone of times written without one: UTC, local, or an offset such as +02:00
    #[arg(
        long,
        value_name = "ZONE",
        default_value = "UTC",
        allow_hyphen_values = true
    )]
    pub timezone: String,
    /// How often the sink commits (and, for the embedded store, becomes visible)
    #[arg(long, value_name = "DURATION", default_value = "1s")]
    pub commit_interval: String,
    #[command(flatten)]
    pub kafka: KafkaArgs,
    #[command(flatten)]
    pub new_topic: NewTopicArgs,
    #[command(flatten)]
    pub metrics: MetricsArgs,
    #[command(flatten)]
    pub es: EsArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreKind {
    /// The embedded store in --data-dir
    Embedded,
    /// An Elasticsearch cluster (--es-url)
    Elasticsearch,
}

/// How to reach Elasticsearch. Secrets come from the environment or the config file only
/// (LOGAGG_ES_PASSWORD, LOGAGG_ES_API_KEY), so they stay out of shell history and `ps`.
#[derive(Debug, Args)]
pub struct EsArgs {
    /// Elasticsearch node URLs, comma-separated [default: the profile's `es_url`, else http://127.0.0.1:9200]
    #[arg(long, env = "LOGAGG_ES_URL", value_name = "URL,...")]
    pub es_url: Option<String>,
    /// User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)
    #[arg(long, env = "LOGAGG_ES_USER", value_name = "USER")]
    pub es_user: Option<String>,
    /// A CA certificate (PEM) to trust for https
    #[arg(long, value_name = "FILE")]
    pub es_ca_cert: Option<PathBuf>,
    /// Accept any certificate (self-signed local clusters only)
    #[arg(long)]
    pub es_insecure: bool,
    /// Timeout of each request
    #[arg(long, default_value = "30s", value_name = "DURATION")]
    pub es_timeout: String,
    /// Indices are PREFIX-YYYY.MM.DD
    #[arg(long, default_value = "logs", value_name = "PREFIX")]
    pub es_index_prefix: String,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Where consumed events go
    #[arg(long, value_enum, default_value_t = SinkKind::Embedded)]
    pub to: SinkKind,
    /// With --to kafka: the topic to produce to (the source topic is --topic)
    #[arg(long, value_name = "TOPIC")]
    pub to_topic: Option<String>,
    /// Only events matching this query go to the sink, e.g. --filter 'level:>=warn'; the
    /// rest are passed over and not read again
    #[arg(long, value_name = "QUERY", allow_hyphen_values = true, value_parser = query_text)]
    pub filter: Option<String>,
    #[command(flatten)]
    pub kafka: KafkaArgs,
    /// Consumer group. Into Elasticsearch, standard output or Kafka its members share the
    /// partitions and its committed offsets are the checkpoint (default logagg-ingest,
    /// logagg-ingest-stdout, logagg-ingest-kafka); into the embedded store they only show
    /// lag, since the store's own positions drive resumption (default
    /// logagg-ingest-embedded, so no two sinks share offsets)
    #[arg(long)]
    pub group: Option<String>,
    /// Stop once everything that was in the topic at start is stored
    #[arg(long)]
    pub exit_at_end: bool,
    /// How often the store commits, together with the partitions' positions
    #[arg(long, value_name = "DURATION", default_value = "1s")]
    pub commit_interval: String,
    /// Commit sooner once a batch holds this many events
    #[arg(long, value_name = "N", default_value_t = 200_000)]
    pub batch_events: u64,
    /// Commit sooner once a batch holds this many bytes of messages
    #[arg(long, value_name = "SIZE", default_value = "64MiB")]
    pub batch_bytes: String,
    /// With --to elasticsearch: bytes of NDJSON per bulk request (Elastic suggests 5-15 MB)
    #[arg(long, value_name = "SIZE", default_value = "10MiB")]
    pub bulk_size: String,
    /// Larger events are rejected and sent to the dead-letter topic TOPIC.dlq (see `logagg dlq`)
    #[arg(long, value_name = "SIZE", default_value = "16MiB")]
    pub max_event_bytes: String,
    #[command(flatten)]
    pub metrics: MetricsArgs,
    #[command(flatten)]
    pub es: EsArgs,
}

#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// Serve Prometheus metrics at http://ADDR/metrics (events read and stored, bytes,
    /// unparsed lines, batch latency, dead letters; consumer lag from Kafka)
    #[arg(long, env = "LOGAGG_METRICS_ADDR", value_name = "ADDR")]
    pub metrics_addr: Option<String>,
}

#[derive(Debug, Args)]
pub struct DlqArgs {
    #[command(subcommand)]
    pub action: DlqAction,
}

#[derive(Debug, Subcommand)]
pub enum SavedAction {
    /// Every saved query (the default)
    List {
        /// table on a terminal, NDJSON otherwise
        #[arg(long, short = 'o', value_enum, default_value_t = ListFormat::Auto)]
        output: ListFormat,
    },
    /// Save QUERY as NAME (letters, digits, _ and -); it must parse
    Add {
        name: String,
        query: String,
        /// Replace a saved query of that name
        #[arg(long)]
        force: bool,
    },
    /// Forget a saved query
    Rm { name: String },
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// How many of the latest to show; 0 = all kept (the last 1,000)
    #[arg(short = 'n', long, default_value_t = 20, value_name = "N")]
    pub lines: usize,
    /// table on a terminal, NDJSON otherwise
    #[arg(long, short = 'o', value_enum, default_value_t = ListFormat::Auto)]
    pub output: ListFormat,
}

#[derive(Debug, Subcommand)]
pub enum DlqAction {
    /// Every dead letter of --topic (they live in TOPIC.dlq), oldest first
    List {
        /// table on a terminal, NDJSON otherwise
        #[arg(long, short = 'o', value_enum, default_value_t = ListFormat::Auto)]
        output: ListFormat,
        #[command(flatten)]
        kafka: KafkaArgs,
    },
    /// Produce the dead letters not replayed before back to --topic
    Replay {
        #[command(flatten)]
        kafka: KafkaArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Auto,
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A colored table on a terminal, NDJSON otherwise
    Auto,
    Table,
    /// One JSON object per line
    Json,
    /// The message only
    Raw,
    Logfmt,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The query, e.g. 'service:auth AND level:>=warn' (default: every event)
    #[arg(default_value = "*", allow_hyphen_values = true, value_parser = query_text)]
    pub query: String,
    /// Only events at or after this: a duration ago (15m, 2h, 7d), now-1h, or RFC 3339
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub since: Option<String>,
    /// Only events before this: a duration ago, now-5m, or RFC 3339
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub until: Option<String>,
    /// At most this many events (or groups with --count-by); 0 = all
    #[arg(
        long,
        short = 'l',
        short_alias = 'n',
        default_value_t = 100,
        value_name = "N"
    )]
    pub limit: usize,
    /// Oldest first (default: newest first)
    #[arg(long)]
    pub asc: bool,
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Auto)]
    pub output: OutputFormat,
    /// Print only the number of matching events
    #[arg(long, conflicts_with = "count_by")]
    pub count: bool,
    /// Count matching events per value of FIELD (service, host, level, trace_id or a fields key)
    #[arg(long, value_name = "FIELD")]
    pub count_by: Option<String>,
    /// Count matching events per span of time: WIDTH such as 10s, 1m, 1h or 1d, or auto
    /// (about sixty buckets over --since/--until, else over the matching events)
    #[arg(
        long,
        value_name = "WIDTH",
        num_args = 0..=1,
        default_missing_value = "auto",
        conflicts_with_all = ["count", "count_by", "patterns", "pattern", "with_pattern"]
    )]
    pub histogram: Option<String>,
    /// Also N events before and after each match, from its own stream (the same service,
    /// host and file), in time order; groups are separated by `--`
    #[arg(short = 'C', long = "context", value_name = "N", conflicts_with_all = ["count", "count_by", "patterns", "pattern", "with_pattern", "histogram"])]
    pub context: Option<usize>,
    /// Also N events before each match (see --context)
    #[arg(short = 'B', long = "before-context", value_name = "N", conflicts_with_all = ["count", "count_by", "patterns", "pattern", "with_pattern", "histogram"])]
    pub before_context: Option<usize>,
    /// Also N events after each match (see --context)
    #[arg(short = 'A', long = "after-context", value_name = "N", conflicts_with_all = ["count", "count_by", "patterns", "pattern", "with_pattern", "histogram"])]
    pub after_context: Option<usize>,
    /// Show how the query was understood (and the Elasticsearch query DSL), without running it
    #[arg(long)]
    pub explain: bool,
    /// Group the matching events into patterns (kinds of lines): template, count, share,
    /// last seen, a trend over the time range and an example; most frequent first
    #[arg(long, conflicts_with_all = ["count", "count_by"])]
    pub patterns: bool,
    /// Only the events of this pattern (an ID that --patterns printed)
    #[arg(long, value_name = "ID", conflicts_with_all = ["count", "count_by", "patterns"], value_parser = pattern_id)]
    pub pattern: Option<String>,
    /// With JSON output, add each event's pattern: "pattern": {"id": ..., "template": ...}
    #[arg(long, conflicts_with_all = ["count", "count_by", "patterns"])]
    pub with_pattern: bool,
    /// With --patterns: compare the time range (--since/--until, else the last SHIFT) with
    /// the same range SHIFT earlier, listing patterns that are new, gone, or changed in rate
    /// beyond --factor
    #[arg(
        long,
        value_name = "SHIFT",
        requires = "patterns",
        conflicts_with = "baseline"
    )]
    pub compare: Option<String>,
    /// With --patterns: compare the time range with this one, START..END (each a duration
    /// ago, now-1h, or RFC 3339)
    #[arg(
        long,
        value_name = "START..END",
        requires = "patterns",
        allow_hyphen_values = true
    )]
    pub baseline: Option<String>,
    /// With --compare/--baseline: how many times higher or lower a pattern's rate must be
    /// to be listed as up or down
    #[arg(long, value_name = "F", default_value_t = 2.0)]
    pub factor: f64,
    /// Patterns are mined from the newest N matching events
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub sample: usize,
    /// Which store to search [default: the profile's `store`, else embedded]
    #[arg(long, value_enum)]
    pub store: Option<StoreKind>,
    #[command(flatten)]
    pub es: EsArgs,
}

#[derive(Debug, Args)]
pub struct FieldsArgs {
    /// Only the fields of events matching this query (default: every event)
    #[arg(default_value = "*", allow_hyphen_values = true, value_parser = query_text)]
    pub query: String,
    /// Only events at or after this: a duration ago (15m, 2h, 7d), now-1h, or RFC 3339
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub since: Option<String>,
    /// Only events before this: a duration ago, now-5m, or RFC 3339
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub until: Option<String>,
    /// Also each field's N most frequent values (one count per field: slower)
    #[arg(long, value_name = "N")]
    pub values: Option<usize>,
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Auto)]
    pub output: OutputFormat,
    /// Which store to look at [default: the profile's `store`, else embedded]
    #[arg(long, value_enum)]
    pub store: Option<StoreKind>,
    #[command(flatten)]
    pub es: EsArgs,
}

#[derive(Debug, Args)]
pub struct TailArgs {
    /// Only events matching this query
    #[arg(default_value = "*", allow_hyphen_values = true, value_parser = query_text)]
    pub query: String,
    /// Minimum level (trace, debug, info, warn, error, fatal)
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<String>,
    /// Only this service (wildcards allowed)
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
    /// Start with the last N matching events
    #[arg(short = 'n', long = "lines", default_value_t = 10, value_name = "N")]
    pub lines: usize,
    #[arg(long, short = 'o', value_enum, default_value_t = OutputFormat::Auto)]
    pub output: OutputFormat,
    /// How often to look for new commits
    #[arg(long, default_value = "200ms", value_name = "DURATION")]
    pub poll: String,
    /// Where new events come from: the store as writers commit, or Kafka (before indexing)
    #[arg(long, value_enum, default_value_t = TailSource::Store)]
    pub source: TailSource,
    /// With --source kafka: a live table of the patterns of the matching events (on a
    /// terminal, redrawn every second; in a pipe, JSON lines when stopped)
    #[arg(long)]
    pub patterns: bool,
    /// With --source kafka: start at this time instead of the end (15m, now-1h or RFC 3339)
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub since: Option<String>,
    /// With --source kafka: how long events wait so partitions merge in time order
    #[arg(long, default_value = "100ms", value_name = "DURATION")]
    pub reorder_window: String,
    #[command(flatten)]
    pub kafka: KafkaArgs,
    /// Which store to follow [default: the profile's `store`, else embedded]
    #[arg(long, value_enum)]
    pub store: Option<StoreKind>,
    /// On Elasticsearch: how far back each poll looks again for documents that became
    /// searchable late (events later than this by their own timestamp are missed)
    #[arg(long, default_value = "5s", value_name = "DURATION")]
    pub overlap: String,
    #[command(flatten)]
    pub es: EsArgs,
}

#[derive(Debug, Args)]
pub struct UpArgs {
    /// Ingestor processes (one consumer group; more than --partitions is useless)
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub ingestors: u32,
    /// Partitions of the `logs` topic (and `logs.dlq`) created by up
    #[arg(long, default_value_t = 3, value_name = "P")]
    pub partitions: u32,
    /// How long Kafka keeps messages, e.g. 7d
    #[arg(long, value_name = "DURATION")]
    pub kafka_retention: Option<String>,
    /// How long Elasticsearch keeps events (an ILM policy on the daily indices), e.g. 30d
    #[arg(long, value_name = "DURATION")]
    pub es_retention: Option<String>,
    /// Give up if the services are not healthy by then
    #[arg(long, default_value = "5m", value_name = "DURATION")]
    pub timeout: String,
}

#[derive(Debug, Args)]
pub struct DownArgs {
    /// Also delete the stack's data (Kafka, Elasticsearch, Prometheus, Grafana volumes)
    #[arg(long)]
    pub volumes: bool,
}

#[derive(Debug, Subcommand)]
pub enum EsCommand {
    /// Install (or update) the index template; safe to run again
    Setup {
        #[command(flatten)]
        es: EsArgs,
    },
}

#[derive(Debug, Args)]
pub struct DashArgs {
    /// Show only events matching this query (change it with / in the dashboard)
    #[arg(default_value = "", allow_hyphen_values = true, value_parser = query_text)]
    pub query: String,
    /// Where events come from: the store as writers commit, or Kafka (before indexing)
    #[arg(long, value_enum, default_value_t = TailSource::Store)]
    pub source: TailSource,
    /// How many recent events the dashboard keeps (memory stays bounded by this)
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub buffer: usize,
    #[command(flatten)]
    pub kafka: KafkaArgs,
    /// With --source store: which store [default: the profile's `store`, else embedded]
    #[arg(long, value_enum)]
    pub store: Option<StoreKind>,
    #[command(flatten)]
    pub es: EsArgs,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Simulated events per second
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub rate: u64,
    /// How many recent events the dashboard keeps
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub buffer: usize,
    /// Run the pipeline without a terminal and print a summary (needs --duration)
    #[arg(long, requires = "duration")]
    pub headless: bool,
    /// Stop after this long, e.g. 30s or 10m
    #[arg(long, value_name = "DURATION")]
    pub duration: Option<String>,
    /// Seed of the simulator [default: random]
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TailSource {
    /// The embedded store in --data-dir
    Store,
    /// A Kafka topic (--brokers, --topic), without a consumer group
    Kafka,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free one, printed at start)
    #[arg(
        long,
        env = "LOGAGG_SERVE_ADDR",
        default_value = "127.0.0.1:9471",
        value_name = "HOST:PORT"
    )]
    pub listen: String,
    /// Requests answered at once [default: the number of cores]
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// A query still running after this long is stopped and answered 503
    #[arg(long, default_value = "30s", value_name = "DURATION")]
    pub timeout: String,
    /// Connections held at once; more are answered 503 and closed
    #[arg(long, default_value_t = 512, value_name = "N")]
    pub max_connections: usize,
    /// Memory for block heads (Bloom filters, summaries) kept between requests, so word
    /// queries do not read them again; 0 keeps none
    #[arg(long, default_value = "256MiB", value_name = "SIZE")]
    pub head_cache: String,
    /// Events one answer holds at most (it is built in memory); a request for more is
    /// refused, saying to narrow it
    #[arg(long, default_value_t = 100_000, value_name = "N")]
    pub max_events: usize,
    /// File holding a token every request must carry as `Authorization: Bearer TOKEN`
    /// (/health excepted)
    #[arg(long, env = "LOGAGG_SERVE_TOKEN_FILE", value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Serve without a token on an address other hosts can reach (needed there without
    /// --token-file)
    #[arg(long, conflicts_with = "token_file")]
    pub no_auth: bool,
    /// Certificate chain (PEM) to serve HTTPS with, with --tls-key
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// Private key (PEM) of --tls-cert
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RepairArgs {
    /// Say what is wrong and what would be done, change nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("limit").required(true).multiple(true).args(["keep", "max_size"])))]
pub struct RetentionArgs {
    /// Keep events newer than this (e.g. 7d, 12h)
    #[arg(long, value_name = "DURATION")]
    pub keep: Option<String>,
    /// Keep the store under this size, removing the oldest events (e.g. 500MB, 20GiB)
    #[arg(long, value_name = "SIZE")]
    pub max_size: Option<String>,
    /// Say what would be removed, remove nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Which store [default: the profile's `store`, else embedded]; on Elasticsearch whole
    /// daily indices are deleted
    #[arg(long, value_enum)]
    pub store: Option<StoreKind>,
    #[command(flatten)]
    pub es: EsArgs,
}

/// A query given where an option could be: a word that starts with `-` is a query only
/// when it negates something (`-host:canary*`, `-"text"`, `-timeout`); `--json` is a
/// mistyped option, and taking it for a query would answer the wrong question.
fn query_text(text: &str) -> Result<String, String> {
    if let Some(name) = text.strip_prefix("--") {
        if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let flag = text.split('=').next().unwrap_or(text);
            return Err(format!(
                "'{flag}' is not an option of this command (see --help); to search for the text, quote it: '\"{name}\"'"
            ));
        }
    }
    Ok(text.to_string())
}

/// A pattern id as `--patterns` prints them (8 hex digits), refused at once otherwise:
/// mining the store to find that no pattern has an impossible id would take seconds.
fn pattern_id(text: &str) -> Result<String, String> {
    let id = text.to_ascii_lowercase();
    if id.len() == 8 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(id)
    } else {
        Err(format!(
            "no pattern '{text}': pattern ids are 8 hex digits, as `logagg query --patterns` prints them"
        ))
    }
}
