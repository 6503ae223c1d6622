# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_logagg_global_optspecs
    string join \n data-dir= config= profile= color= no-pager h/help V/version
end

function __fish_logagg_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_logagg_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_logagg_using_subcommand
    set -l cmd (__fish_logagg_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c logagg -n "__fish_logagg_needs_command" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_needs_command" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_needs_command" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_needs_command" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_needs_command" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_needs_command" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_needs_command" -s V -l version -d 'Print version'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "simulate" -d 'Generate realistic logs from a fleet of fake services'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "ship" -d 'Load log lines from files or standard input into the store (or Kafka, Elasticsearch, stdout), each line\'s own time, level, host and program read from its format'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "ingest" -d 'Consume a Kafka topic into the store (exactly once), Elasticsearch, another topic or stdout'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "dlq" -d 'List dead letters (events the store rejected) and replay them once the cause is fixed'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "query" -d 'Search stored events'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "fields" -d 'List the fields the matching events have: how many hold each, the range of its numbers, and (with --values) its most frequent values'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "tail" -d 'Follow new events as they are stored'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "dash" -d 'The live dashboard: stream, filter, histogram by level, top services, details'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "demo" -d 'Simulator, embedded store and dashboard in one process: zero setup'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "serve" -d 'Answer queries over HTTP from the embedded store (the query language and JSON of `query`)'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "up" -d 'Start the Docker stack: Kafka, Elasticsearch, ingestors, Prometheus, Grafana'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "down" -d 'Stop the Docker stack'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "status" -d 'The embedded store and the Docker stack: health, ingest rate, consumer lag'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "es" -d 'Elasticsearch housekeeping: install the index template'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "retention" -d 'Remove old events from the store, by age and/or total size'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "repair" -d 'Rebuild a damaged embedded store\'s manifest from its parts (nothing is deleted)'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "saved" -d 'Saved queries: name a query once, then write @NAME in any query'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "history" -d 'The queries run lately (query, tail, fields and the dashboard\'s filters), oldest first'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "man" -d 'Print a manual page (roff): logagg(1), or a command\'s'
complete -c logagg -n "__fish_logagg_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l to -d 'Where events go [default: the profile\'s `sink`, else embedded]' -r -f -a "stdout\t'NDJSON on standard output'
embedded\t'The embedded store in --data-dir'
kafka\t'A Kafka topic (--brokers, --topic)'
elasticsearch\t'An Elasticsearch or OpenSearch cluster (--es-url)'"
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l rate -d 'Events per second; 0 = as fast as possible [default: 0 with --count, else 1000]' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l count -d 'Stop after this many events' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l duration -d 'Stop after this much simulated time, e.g. 30s, 10m, 2h' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l seed -d 'Seed of the generator; the same seed and --start give the same events' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l start -d 'Timestamp of the first event (RFC 3339) [default: now, or early enough that a backfill ends now]' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l commit-interval -d 'How often the store commits (and becomes visible to readers)' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l brokers -d 'Kafka bootstrap servers [default: the profile\'s `brokers`, else 127.0.0.1:9092]' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l topic -d 'Topic the events travel on' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l kafka-ca -d 'Certificate authority (PEM) that signed the brokers\' certificates' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l kafka-cert -d 'Client certificate (PEM) for mutual TLS, with --kafka-key' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l kafka-key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l kafka-sasl -d 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l kafka-user -d 'SASL user' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l kafka-password-file -d 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l kafka-opt -d 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l partitions -d 'Partitions of a topic created with --create-topic' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l replication-factor -d 'Replication factor of a topic created with --create-topic' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l metrics-addr -d 'Serve Prometheus metrics at http://ADDR/metrics (events read and stored, bytes, unparsed lines, batch latency, dead letters; consumer lag from Kafka)' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l es-url -d 'Elasticsearch node URLs, comma-separated [default: the profile\'s `es_url`, else http://127.0.0.1:9200]' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l es-user -d 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l es-ca-cert -d 'A CA certificate (PEM) to trust for https' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l es-timeout -d 'Timeout of each request' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l es-index-prefix -d 'Indices are PREFIX-YYYY.MM.DD' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l kafka-tls -d 'Connect over TLS, trusting the system\'s certificate authorities (implied by the other TLS flags and by --kafka-sasl)'
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l create-topic -d 'Create the topic if it does not exist'
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l es-insecure -d 'Accept any certificate (self-signed local clusters only)'
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand simulate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l service -d 'Service of lines that do not name one' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l host -d 'Host of lines that do not name one [default: this machine\'s name]' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l field -d 'Extra context added to every event\'s fields (repeatable), e.g. --field env=prod' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l multiline -d 'A regex that starts an entry; lines that do not match it (stack traces) join the entry before them' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l checkpoint -d 'Checkpoint file of --follow into Kafka, Elasticsearch or stdout [default: DATA_DIR/ship/SINK-HASH.json, one per sink and set of files]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l poll -d 'How often --follow looks for new lines when the files are quiet' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l to -d 'Where events go [default: the profile\'s `sink`, else embedded]' -r -f -a "stdout\t'NDJSON on standard output'
embedded\t'The embedded store in --data-dir'
kafka\t'A Kafka topic (--brokers, --topic)'
elasticsearch\t'An Elasticsearch or OpenSearch cluster (--es-url)'"
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l format -d 'Format of the lines; `auto` detects it from the first lines of each file' -r -f -a "auto\t'Detect from the first lines of each file or stream'
json\t'One JSON object per line (also Docker\'s json-file)'
logfmt\t'key=value pairs (Heroku, Go\'s slog and logrus text)'
syslog\t'BSD syslog (RFC 3164) and the ISO-timestamped form rsyslog writes'
rfc5424\t'Syslog RFC 5424'
access\t'nginx and Apache access logs, common and combined'
logcat\t'Android logcat, threadtime, time or brief'
klog\t'Go\'s klog and glog (`I1126 21:00:00.123456 ...`)'
cri\t'Kubernetes CRI container logs'
header\t'A time, then perhaps a level, at fixed places: log4j/logback, Python logging, zap console, nginx and Apache error logs, and lines that start with a date'
raw\t'Nothing to read: each line keeps the time it was shipped'"
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l time-format -d 'A strftime pattern for times no format knows, e.g. \'%d.%m.%Y %H:%M:%S\' (found at the start of the line or of one of its first words)' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l timezone -d 'Zone of times written without one: UTC, local, or an offset such as +02:00' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l commit-interval -d 'How often the sink commits (and, for the embedded store, becomes visible)' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l brokers -d 'Kafka bootstrap servers [default: the profile\'s `brokers`, else 127.0.0.1:9092]' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l topic -d 'Topic the events travel on' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l kafka-ca -d 'Certificate authority (PEM) that signed the brokers\' certificates' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l kafka-cert -d 'Client certificate (PEM) for mutual TLS, with --kafka-key' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l kafka-key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l kafka-sasl -d 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l kafka-user -d 'SASL user' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l kafka-password-file -d 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l kafka-opt -d 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l partitions -d 'Partitions of a topic created with --create-topic' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l replication-factor -d 'Replication factor of a topic created with --create-topic' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l metrics-addr -d 'Serve Prometheus metrics at http://ADDR/metrics (events read and stored, bytes, unparsed lines, batch latency, dead letters; consumer lag from Kafka)' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l es-url -d 'Elasticsearch node URLs, comma-separated [default: the profile\'s `es_url`, else http://127.0.0.1:9200]' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l es-user -d 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l es-ca-cert -d 'A CA certificate (PEM) to trust for https' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l es-timeout -d 'Timeout of each request' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l es-index-prefix -d 'Indices are PREFIX-YYYY.MM.DD' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l no-file-path -d 'Leave out the field `log.file.path` that each event read from a file carries otherwise (events shipped again from an export keep what they had)'
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l follow -d 'Keep reading as the files grow, across rotation (rename and create, or copytruncate). Into the embedded store the positions are committed with the events (exactly once); into other sinks a checkpoint file remembers what they confirmed'
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l kafka-tls -d 'Connect over TLS, trusting the system\'s certificate authorities (implied by the other TLS flags and by --kafka-sasl)'
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l create-topic -d 'Create the topic if it does not exist'
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l es-insecure -d 'Accept any certificate (self-signed local clusters only)'
complete -c logagg -n "__fish_logagg_using_subcommand ship" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand ship" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l to -d 'Where consumed events go' -r -f -a "stdout\t'NDJSON on standard output'
embedded\t'The embedded store in --data-dir'
kafka\t'A Kafka topic (--brokers, --topic)'
elasticsearch\t'An Elasticsearch or OpenSearch cluster (--es-url)'"
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l to-topic -d 'With --to kafka: the topic to produce to (the source topic is --topic)' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l filter -d 'Only events matching this query go to the sink, e.g. --filter \'level:>=warn\'; the rest are passed over and not read again' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l brokers -d 'Kafka bootstrap servers [default: the profile\'s `brokers`, else 127.0.0.1:9092]' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l topic -d 'Topic the events travel on' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l kafka-ca -d 'Certificate authority (PEM) that signed the brokers\' certificates' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l kafka-cert -d 'Client certificate (PEM) for mutual TLS, with --kafka-key' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l kafka-key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l kafka-sasl -d 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l kafka-user -d 'SASL user' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l kafka-password-file -d 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l kafka-opt -d 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l group -d 'Consumer group. Into Elasticsearch, standard output or Kafka its members share the partitions and its committed offsets are the checkpoint (default logagg-ingest, logagg-ingest-stdout, logagg-ingest-kafka); into the embedded store they only show lag, since the store\'s own positions drive resumption (default logagg-ingest-embedded, so no two sinks share offsets)' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l commit-interval -d 'How often the store commits, together with the partitions\' positions' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l batch-events -d 'Commit sooner once a batch holds this many events' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l batch-bytes -d 'Commit sooner once a batch holds this many bytes of messages' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l bulk-size -d 'With --to elasticsearch: bytes of NDJSON per bulk request (Elastic suggests 5-15 MB)' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l max-event-bytes -d 'Larger events are rejected and sent to the dead-letter topic TOPIC.dlq (see `logagg dlq`)' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l metrics-addr -d 'Serve Prometheus metrics at http://ADDR/metrics (events read and stored, bytes, unparsed lines, batch latency, dead letters; consumer lag from Kafka)' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l es-url -d 'Elasticsearch node URLs, comma-separated [default: the profile\'s `es_url`, else http://127.0.0.1:9200]' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l es-user -d 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l es-ca-cert -d 'A CA certificate (PEM) to trust for https' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l es-timeout -d 'Timeout of each request' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l es-index-prefix -d 'Indices are PREFIX-YYYY.MM.DD' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l kafka-tls -d 'Connect over TLS, trusting the system\'s certificate authorities (implied by the other TLS flags and by --kafka-sasl)'
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l exit-at-end -d 'Stop once everything that was in the topic at start is stored'
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l es-insecure -d 'Accept any certificate (self-signed local clusters only)'
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand ingest" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and not __fish_seen_subcommand_from list replay help" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and not __fish_seen_subcommand_from list replay help" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and not __fish_seen_subcommand_from list replay help" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and not __fish_seen_subcommand_from list replay help" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and not __fish_seen_subcommand_from list replay help" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and not __fish_seen_subcommand_from list replay help" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and not __fish_seen_subcommand_from list replay help" -f -a "list" -d 'Every dead letter of --topic (they live in TOPIC.dlq), oldest first'
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and not __fish_seen_subcommand_from list replay help" -f -a "replay" -d 'Produce the dead letters not replayed before back to --topic'
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and not __fish_seen_subcommand_from list replay help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from list" -s o -l output -d 'table on a terminal, NDJSON otherwise' -r -f -a "auto\t''
table\t''
json\t''"
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from list" -l brokers -d 'Kafka bootstrap servers [default: the profile\'s `brokers`, else 127.0.0.1:9092]' -r
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from list" -l topic -d 'Topic the events travel on' -r
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from list" -l kafka-ca -d 'Certificate authority (PEM) that signed the brokers\' certificates' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from list" -l kafka-cert -d 'Client certificate (PEM) for mutual TLS, with --kafka-key' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from list" -l kafka-key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from list" -l kafka-sasl -d 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)' -r
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from list" -l kafka-user -d 'SASL user' -r
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from list" -l kafka-password-file -d 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from list" -l kafka-opt -d 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)' -r
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from list" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from list" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from list" -l kafka-tls -d 'Connect over TLS, trusting the system\'s certificate authorities (implied by the other TLS flags and by --kafka-sasl)'
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from list" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l brokers -d 'Kafka bootstrap servers [default: the profile\'s `brokers`, else 127.0.0.1:9092]' -r
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l topic -d 'Topic the events travel on' -r
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l kafka-ca -d 'Certificate authority (PEM) that signed the brokers\' certificates' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l kafka-cert -d 'Client certificate (PEM) for mutual TLS, with --kafka-key' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l kafka-key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l kafka-sasl -d 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)' -r
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l kafka-user -d 'SASL user' -r
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l kafka-password-file -d 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l kafka-opt -d 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)' -r
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l kafka-tls -d 'Connect over TLS, trusting the system\'s certificate authorities (implied by the other TLS flags and by --kafka-sasl)'
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every dead letter of --topic (they live in TOPIC.dlq), oldest first'
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "replay" -d 'Produce the dead letters not replayed before back to --topic'
complete -c logagg -n "__fish_logagg_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c logagg -n "__fish_logagg_using_subcommand query" -l since -d 'Only events at or after this: a duration ago (15m, 2h, 7d), now-1h, or RFC 3339' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -l until -d 'Only events before this: a duration ago, now-5m, or RFC 3339' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -s l -l limit -d 'At most this many events (or groups with --count-by); 0 = all' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -s o -l output -r -f -a "auto\t'A colored table on a terminal, NDJSON otherwise'
table\t''
json\t'One JSON object per line'
raw\t'The message only'
logfmt\t''"
complete -c logagg -n "__fish_logagg_using_subcommand query" -l count-by -d 'Count matching events per value of FIELD (service, host, level, trace_id or a fields key)' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -l histogram -d 'Count matching events per span of time: WIDTH such as 10s, 1m, 1h or 1d, or auto (about sixty buckets over --since/--until, else over the matching events)' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -s C -l context -d 'Also N events before and after each match, from its own stream (the same service, host and file), in time order; groups are separated by `--`' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -s B -l before-context -d 'Also N events before each match (see --context)' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -s A -l after-context -d 'Also N events after each match (see --context)' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -l pattern -d 'Only the events of this pattern (an ID that --patterns printed)' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -l compare -d 'With --patterns: compare the time range (--since/--until, else the last SHIFT) with the same range SHIFT earlier, listing patterns that are new, gone, or changed in rate beyond --factor' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -l baseline -d 'With --patterns: compare the time range with this one, START..END (each a duration ago, now-1h, or RFC 3339)' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -l factor -d 'With --compare/--baseline: how many times higher or lower a pattern\'s rate must be to be listed as up or down' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -l sample -d 'Patterns are mined from the newest N matching events' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -l store -d 'Which store to search [default: the profile\'s `store`, else embedded]' -r -f -a "embedded\t'The embedded store in --data-dir'
elasticsearch\t'An Elasticsearch cluster (--es-url)'"
complete -c logagg -n "__fish_logagg_using_subcommand query" -l es-url -d 'Elasticsearch node URLs, comma-separated [default: the profile\'s `es_url`, else http://127.0.0.1:9200]' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -l es-user -d 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -l es-ca-cert -d 'A CA certificate (PEM) to trust for https' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand query" -l es-timeout -d 'Timeout of each request' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -l es-index-prefix -d 'Indices are PREFIX-YYYY.MM.DD' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand query" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand query" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand query" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand query" -l asc -d 'Oldest first (default: newest first)'
complete -c logagg -n "__fish_logagg_using_subcommand query" -l count -d 'Print only the number of matching events'
complete -c logagg -n "__fish_logagg_using_subcommand query" -l explain -d 'Show how the query was understood (and the Elasticsearch query DSL), without running it'
complete -c logagg -n "__fish_logagg_using_subcommand query" -l patterns -d 'Group the matching events into patterns (kinds of lines): template, count, share, last seen, a trend over the time range and an example; most frequent first'
complete -c logagg -n "__fish_logagg_using_subcommand query" -l with-pattern -d 'With JSON output, add each event\'s pattern: "pattern": {"id": ..., "template": ...}'
complete -c logagg -n "__fish_logagg_using_subcommand query" -l es-insecure -d 'Accept any certificate (self-signed local clusters only)'
complete -c logagg -n "__fish_logagg_using_subcommand query" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand query" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c logagg -n "__fish_logagg_using_subcommand fields" -l since -d 'Only events at or after this: a duration ago (15m, 2h, 7d), now-1h, or RFC 3339' -r
complete -c logagg -n "__fish_logagg_using_subcommand fields" -l until -d 'Only events before this: a duration ago, now-5m, or RFC 3339' -r
complete -c logagg -n "__fish_logagg_using_subcommand fields" -l values -d 'Also each field\'s N most frequent values (one count per field: slower)' -r
complete -c logagg -n "__fish_logagg_using_subcommand fields" -s o -l output -r -f -a "auto\t'A colored table on a terminal, NDJSON otherwise'
table\t''
json\t'One JSON object per line'
raw\t'The message only'
logfmt\t''"
complete -c logagg -n "__fish_logagg_using_subcommand fields" -l store -d 'Which store to look at [default: the profile\'s `store`, else embedded]' -r -f -a "embedded\t'The embedded store in --data-dir'
elasticsearch\t'An Elasticsearch cluster (--es-url)'"
complete -c logagg -n "__fish_logagg_using_subcommand fields" -l es-url -d 'Elasticsearch node URLs, comma-separated [default: the profile\'s `es_url`, else http://127.0.0.1:9200]' -r
complete -c logagg -n "__fish_logagg_using_subcommand fields" -l es-user -d 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)' -r
complete -c logagg -n "__fish_logagg_using_subcommand fields" -l es-ca-cert -d 'A CA certificate (PEM) to trust for https' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand fields" -l es-timeout -d 'Timeout of each request' -r
complete -c logagg -n "__fish_logagg_using_subcommand fields" -l es-index-prefix -d 'Indices are PREFIX-YYYY.MM.DD' -r
complete -c logagg -n "__fish_logagg_using_subcommand fields" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand fields" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand fields" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand fields" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand fields" -l es-insecure -d 'Accept any certificate (self-signed local clusters only)'
complete -c logagg -n "__fish_logagg_using_subcommand fields" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand fields" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l level -d 'Minimum level (trace, debug, info, warn, error, fatal)' -r
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l service -d 'Only this service (wildcards allowed)' -r
complete -c logagg -n "__fish_logagg_using_subcommand tail" -s n -l lines -d 'Start with the last N matching events' -r
complete -c logagg -n "__fish_logagg_using_subcommand tail" -s o -l output -r -f -a "auto\t'A colored table on a terminal, NDJSON otherwise'
table\t''
json\t'One JSON object per line'
raw\t'The message only'
logfmt\t''"
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l poll -d 'How often to look for new commits' -r
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l source -d 'Where new events come from: the store as writers commit, or Kafka (before indexing)' -r -f -a "store\t'The embedded store in --data-dir'
kafka\t'A Kafka topic (--brokers, --topic), without a consumer group'"
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l since -d 'With --source kafka: start at this time instead of the end (15m, now-1h or RFC 3339)' -r
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l reorder-window -d 'With --source kafka: how long events wait so partitions merge in time order' -r
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l brokers -d 'Kafka bootstrap servers [default: the profile\'s `brokers`, else 127.0.0.1:9092]' -r
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l topic -d 'Topic the events travel on' -r
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l kafka-ca -d 'Certificate authority (PEM) that signed the brokers\' certificates' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l kafka-cert -d 'Client certificate (PEM) for mutual TLS, with --kafka-key' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l kafka-key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l kafka-sasl -d 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)' -r
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l kafka-user -d 'SASL user' -r
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l kafka-password-file -d 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l kafka-opt -d 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)' -r
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l store -d 'Which store to follow [default: the profile\'s `store`, else embedded]' -r -f -a "embedded\t'The embedded store in --data-dir'
elasticsearch\t'An Elasticsearch cluster (--es-url)'"
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l overlap -d 'On Elasticsearch: how far back each poll looks again for documents that became searchable late (events later than this by their own timestamp are missed)' -r
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l es-url -d 'Elasticsearch node URLs, comma-separated [default: the profile\'s `es_url`, else http://127.0.0.1:9200]' -r
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l es-user -d 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)' -r
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l es-ca-cert -d 'A CA certificate (PEM) to trust for https' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l es-timeout -d 'Timeout of each request' -r
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l es-index-prefix -d 'Indices are PREFIX-YYYY.MM.DD' -r
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l patterns -d 'With --source kafka: a live table of the patterns of the matching events (on a terminal, redrawn every second; in a pipe, JSON lines when stopped)'
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l kafka-tls -d 'Connect over TLS, trusting the system\'s certificate authorities (implied by the other TLS flags and by --kafka-sasl)'
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l es-insecure -d 'Accept any certificate (self-signed local clusters only)'
complete -c logagg -n "__fish_logagg_using_subcommand tail" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand tail" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l source -d 'Where events come from: the store as writers commit, or Kafka (before indexing)' -r -f -a "store\t'The embedded store in --data-dir'
kafka\t'A Kafka topic (--brokers, --topic), without a consumer group'"
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l buffer -d 'How many recent events the dashboard keeps (memory stays bounded by this)' -r
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l brokers -d 'Kafka bootstrap servers [default: the profile\'s `brokers`, else 127.0.0.1:9092]' -r
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l topic -d 'Topic the events travel on' -r
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l kafka-ca -d 'Certificate authority (PEM) that signed the brokers\' certificates' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l kafka-cert -d 'Client certificate (PEM) for mutual TLS, with --kafka-key' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l kafka-key -d 'Client private key (PEM) for mutual TLS' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l kafka-sasl -d 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)' -r
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l kafka-user -d 'SASL user' -r
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l kafka-password-file -d 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l kafka-opt -d 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)' -r
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l store -d 'With --source store: which store [default: the profile\'s `store`, else embedded]' -r -f -a "embedded\t'The embedded store in --data-dir'
elasticsearch\t'An Elasticsearch cluster (--es-url)'"
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l es-url -d 'Elasticsearch node URLs, comma-separated [default: the profile\'s `es_url`, else http://127.0.0.1:9200]' -r
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l es-user -d 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)' -r
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l es-ca-cert -d 'A CA certificate (PEM) to trust for https' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l es-timeout -d 'Timeout of each request' -r
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l es-index-prefix -d 'Indices are PREFIX-YYYY.MM.DD' -r
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l kafka-tls -d 'Connect over TLS, trusting the system\'s certificate authorities (implied by the other TLS flags and by --kafka-sasl)'
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l es-insecure -d 'Accept any certificate (self-signed local clusters only)'
complete -c logagg -n "__fish_logagg_using_subcommand dash" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand dash" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c logagg -n "__fish_logagg_using_subcommand demo" -l rate -d 'Simulated events per second' -r
complete -c logagg -n "__fish_logagg_using_subcommand demo" -l buffer -d 'How many recent events the dashboard keeps' -r
complete -c logagg -n "__fish_logagg_using_subcommand demo" -l duration -d 'Stop after this long, e.g. 30s or 10m' -r
complete -c logagg -n "__fish_logagg_using_subcommand demo" -l seed -d 'Seed of the simulator [default: random]' -r
complete -c logagg -n "__fish_logagg_using_subcommand demo" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand demo" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand demo" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand demo" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand demo" -l headless -d 'Run the pipeline without a terminal and print a summary (needs --duration)'
complete -c logagg -n "__fish_logagg_using_subcommand demo" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand demo" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand serve" -l listen -d 'Address to listen on (port 0 picks a free one, printed at start)' -r
complete -c logagg -n "__fish_logagg_using_subcommand serve" -l threads -d 'Requests answered at once [default: the number of cores]' -r
complete -c logagg -n "__fish_logagg_using_subcommand serve" -l timeout -d 'A query still running after this long is stopped and answered 503' -r
complete -c logagg -n "__fish_logagg_using_subcommand serve" -l max-connections -d 'Connections held at once; more are answered 503 and closed' -r
complete -c logagg -n "__fish_logagg_using_subcommand serve" -l head-cache -d 'Memory for block heads (Bloom filters, summaries) kept between requests, so word queries do not read them again; 0 keeps none' -r
complete -c logagg -n "__fish_logagg_using_subcommand serve" -l max-events -d 'Events one answer holds at most (it is built in memory); a request for more is refused, saying to narrow it' -r
complete -c logagg -n "__fish_logagg_using_subcommand serve" -l token-file -d 'File holding a token every request must carry as `Authorization: Bearer TOKEN` (/health excepted)' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand serve" -l tls-cert -d 'Certificate chain (PEM) to serve HTTPS with, with --tls-key' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand serve" -l tls-key -d 'Private key (PEM) of --tls-cert' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand serve" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand serve" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand serve" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand serve" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand serve" -l no-auth -d 'Serve without a token on an address other hosts can reach (needed there without --token-file)'
complete -c logagg -n "__fish_logagg_using_subcommand serve" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand serve" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand up" -l ingestors -d 'Ingestor processes (one consumer group; more than --partitions is useless)' -r
complete -c logagg -n "__fish_logagg_using_subcommand up" -l partitions -d 'Partitions of the `logs` topic (and `logs.dlq`) created by up' -r
complete -c logagg -n "__fish_logagg_using_subcommand up" -l kafka-retention -d 'How long Kafka keeps messages, e.g. 7d' -r
complete -c logagg -n "__fish_logagg_using_subcommand up" -l es-retention -d 'How long Elasticsearch keeps events (an ILM policy on the daily indices), e.g. 30d' -r
complete -c logagg -n "__fish_logagg_using_subcommand up" -l timeout -d 'Give up if the services are not healthy by then' -r
complete -c logagg -n "__fish_logagg_using_subcommand up" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand up" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand up" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand up" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand up" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand up" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand down" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand down" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand down" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand down" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand down" -l volumes -d 'Also delete the stack\'s data (Kafka, Elasticsearch, Prometheus, Grafana volumes)'
complete -c logagg -n "__fish_logagg_using_subcommand down" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand down" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand status" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand status" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand status" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand status" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand status" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand status" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand es; and not __fish_seen_subcommand_from setup help" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand es; and not __fish_seen_subcommand_from setup help" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand es; and not __fish_seen_subcommand_from setup help" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand es; and not __fish_seen_subcommand_from setup help" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand es; and not __fish_seen_subcommand_from setup help" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand es; and not __fish_seen_subcommand_from setup help" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand es; and not __fish_seen_subcommand_from setup help" -f -a "setup" -d 'Install (or update) the index template; safe to run again'
complete -c logagg -n "__fish_logagg_using_subcommand es; and not __fish_seen_subcommand_from setup help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c logagg -n "__fish_logagg_using_subcommand es; and __fish_seen_subcommand_from setup" -l es-url -d 'Elasticsearch node URLs, comma-separated [default: the profile\'s `es_url`, else http://127.0.0.1:9200]' -r
complete -c logagg -n "__fish_logagg_using_subcommand es; and __fish_seen_subcommand_from setup" -l es-user -d 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)' -r
complete -c logagg -n "__fish_logagg_using_subcommand es; and __fish_seen_subcommand_from setup" -l es-ca-cert -d 'A CA certificate (PEM) to trust for https' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand es; and __fish_seen_subcommand_from setup" -l es-timeout -d 'Timeout of each request' -r
complete -c logagg -n "__fish_logagg_using_subcommand es; and __fish_seen_subcommand_from setup" -l es-index-prefix -d 'Indices are PREFIX-YYYY.MM.DD' -r
complete -c logagg -n "__fish_logagg_using_subcommand es; and __fish_seen_subcommand_from setup" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand es; and __fish_seen_subcommand_from setup" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand es; and __fish_seen_subcommand_from setup" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand es; and __fish_seen_subcommand_from setup" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand es; and __fish_seen_subcommand_from setup" -l es-insecure -d 'Accept any certificate (self-signed local clusters only)'
complete -c logagg -n "__fish_logagg_using_subcommand es; and __fish_seen_subcommand_from setup" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand es; and __fish_seen_subcommand_from setup" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand es; and __fish_seen_subcommand_from help" -f -a "setup" -d 'Install (or update) the index template; safe to run again'
complete -c logagg -n "__fish_logagg_using_subcommand es; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c logagg -n "__fish_logagg_using_subcommand retention" -l keep -d 'Keep events newer than this (e.g. 7d, 12h)' -r
complete -c logagg -n "__fish_logagg_using_subcommand retention" -l max-size -d 'Keep the store under this size, removing the oldest events (e.g. 500MB, 20GiB)' -r
complete -c logagg -n "__fish_logagg_using_subcommand retention" -l store -d 'Which store [default: the profile\'s `store`, else embedded]; on Elasticsearch whole daily indices are deleted' -r -f -a "embedded\t'The embedded store in --data-dir'
elasticsearch\t'An Elasticsearch cluster (--es-url)'"
complete -c logagg -n "__fish_logagg_using_subcommand retention" -l es-url -d 'Elasticsearch node URLs, comma-separated [default: the profile\'s `es_url`, else http://127.0.0.1:9200]' -r
complete -c logagg -n "__fish_logagg_using_subcommand retention" -l es-user -d 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)' -r
complete -c logagg -n "__fish_logagg_using_subcommand retention" -l es-ca-cert -d 'A CA certificate (PEM) to trust for https' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand retention" -l es-timeout -d 'Timeout of each request' -r
complete -c logagg -n "__fish_logagg_using_subcommand retention" -l es-index-prefix -d 'Indices are PREFIX-YYYY.MM.DD' -r
complete -c logagg -n "__fish_logagg_using_subcommand retention" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand retention" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand retention" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand retention" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand retention" -l dry-run -d 'Say what would be removed, remove nothing'
complete -c logagg -n "__fish_logagg_using_subcommand retention" -l es-insecure -d 'Accept any certificate (self-signed local clusters only)'
complete -c logagg -n "__fish_logagg_using_subcommand retention" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand retention" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c logagg -n "__fish_logagg_using_subcommand repair" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand repair" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand repair" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand repair" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand repair" -l dry-run -d 'Say what is wrong and what would be done, change nothing'
complete -c logagg -n "__fish_logagg_using_subcommand repair" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand repair" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand completions" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand completions" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand completions" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand completions" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand completions" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand completions" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand saved; and not __fish_seen_subcommand_from list add rm help" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand saved; and not __fish_seen_subcommand_from list add rm help" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand saved; and not __fish_seen_subcommand_from list add rm help" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand saved; and not __fish_seen_subcommand_from list add rm help" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand saved; and not __fish_seen_subcommand_from list add rm help" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand saved; and not __fish_seen_subcommand_from list add rm help" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand saved; and not __fish_seen_subcommand_from list add rm help" -f -a "list" -d 'Every saved query (the default)'
complete -c logagg -n "__fish_logagg_using_subcommand saved; and not __fish_seen_subcommand_from list add rm help" -f -a "add" -d 'Save QUERY as NAME (letters, digits, _ and -); it must parse'
complete -c logagg -n "__fish_logagg_using_subcommand saved; and not __fish_seen_subcommand_from list add rm help" -f -a "rm" -d 'Forget a saved query'
complete -c logagg -n "__fish_logagg_using_subcommand saved; and not __fish_seen_subcommand_from list add rm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from list" -s o -l output -d 'table on a terminal, NDJSON otherwise' -r -f -a "auto\t''
table\t''
json\t''"
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from list" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from list" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from list" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from list" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from list" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from add" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from add" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from add" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from add" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from add" -l force -d 'Replace a saved query of that name'
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from add" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from rm" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from rm" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from rm" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from rm" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from rm" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every saved query (the default)'
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from help" -f -a "add" -d 'Save QUERY as NAME (letters, digits, _ and -); it must parse'
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Forget a saved query'
complete -c logagg -n "__fish_logagg_using_subcommand saved; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c logagg -n "__fish_logagg_using_subcommand history" -s n -l lines -d 'How many of the latest to show; 0 = all kept (the last 1,000)' -r
complete -c logagg -n "__fish_logagg_using_subcommand history" -s o -l output -d 'table on a terminal, NDJSON otherwise' -r -f -a "auto\t''
table\t''
json\t''"
complete -c logagg -n "__fish_logagg_using_subcommand history" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand history" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand history" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand history" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand history" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand history" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand man" -l data-dir -d 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand man" -l config -d 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]' -r -F
complete -c logagg -n "__fish_logagg_using_subcommand man" -l profile -d 'Profile of the configuration file to use [default: the file\'s `profile`, else "local"]' -r
complete -c logagg -n "__fish_logagg_using_subcommand man" -l color -d 'When to color output (NO_COLOR in the environment turns `auto` off)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c logagg -n "__fish_logagg_using_subcommand man" -l no-pager -d 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
complete -c logagg -n "__fish_logagg_using_subcommand man" -s h -l help -d 'Print help'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "simulate" -d 'Generate realistic logs from a fleet of fake services'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "ship" -d 'Load log lines from files or standard input into the store (or Kafka, Elasticsearch, stdout), each line\'s own time, level, host and program read from its format'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "ingest" -d 'Consume a Kafka topic into the store (exactly once), Elasticsearch, another topic or stdout'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "dlq" -d 'List dead letters (events the store rejected) and replay them once the cause is fixed'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "query" -d 'Search stored events'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "fields" -d 'List the fields the matching events have: how many hold each, the range of its numbers, and (with --values) its most frequent values'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "tail" -d 'Follow new events as they are stored'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "dash" -d 'The live dashboard: stream, filter, histogram by level, top services, details'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "demo" -d 'Simulator, embedded store and dashboard in one process: zero setup'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "serve" -d 'Answer queries over HTTP from the embedded store (the query language and JSON of `query`)'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "up" -d 'Start the Docker stack: Kafka, Elasticsearch, ingestors, Prometheus, Grafana'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "down" -d 'Stop the Docker stack'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "status" -d 'The embedded store and the Docker stack: health, ingest rate, consumer lag'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "es" -d 'Elasticsearch housekeeping: install the index template'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "retention" -d 'Remove old events from the store, by age and/or total size'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "repair" -d 'Rebuild a damaged embedded store\'s manifest from its parts (nothing is deleted)'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "completions" -d 'Print a shell completion script'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "saved" -d 'Saved queries: name a query once, then write @NAME in any query'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "history" -d 'The queries run lately (query, tail, fields and the dashboard\'s filters), oldest first'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "man" -d 'Print a manual page (roff): logagg(1), or a command\'s'
complete -c logagg -n "__fish_logagg_using_subcommand help; and not __fish_seen_subcommand_from simulate ship ingest dlq query fields tail dash demo serve up down status es retention repair completions saved history man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c logagg -n "__fish_logagg_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "list" -d 'Every dead letter of --topic (they live in TOPIC.dlq), oldest first'
complete -c logagg -n "__fish_logagg_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "replay" -d 'Produce the dead letters not replayed before back to --topic'
complete -c logagg -n "__fish_logagg_using_subcommand help; and __fish_seen_subcommand_from es" -f -a "setup" -d 'Install (or update) the index template; safe to run again'
complete -c logagg -n "__fish_logagg_using_subcommand help; and __fish_seen_subcommand_from saved" -f -a "list" -d 'Every saved query (the default)'
complete -c logagg -n "__fish_logagg_using_subcommand help; and __fish_seen_subcommand_from saved" -f -a "add" -d 'Save QUERY as NAME (letters, digits, _ and -); it must parse'
complete -c logagg -n "__fish_logagg_using_subcommand help; and __fish_seen_subcommand_from saved" -f -a "rm" -d 'Forget a saved query'
