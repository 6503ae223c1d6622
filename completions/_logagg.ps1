
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'logagg' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'logagg'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'logagg' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('simulate', 'simulate', [CompletionResultType]::ParameterValue, 'Generate realistic logs from a fleet of fake services')
            [CompletionResult]::new('ship', 'ship', [CompletionResultType]::ParameterValue, 'Load log lines from files or standard input into the store (or Kafka, Elasticsearch, stdout), each line''s own time, level, host and program read from its format')
            [CompletionResult]::new('ingest', 'ingest', [CompletionResultType]::ParameterValue, 'Consume a Kafka topic into the store (exactly once), Elasticsearch, another topic or stdout')
            [CompletionResult]::new('dlq', 'dlq', [CompletionResultType]::ParameterValue, 'List dead letters (events the store rejected) and replay them once the cause is fixed')
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'Search stored events')
            [CompletionResult]::new('fields', 'fields', [CompletionResultType]::ParameterValue, 'List the fields the matching events have: how many hold each, the range of its numbers, and (with --values) its most frequent values')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Follow new events as they are stored')
            [CompletionResult]::new('dash', 'dash', [CompletionResultType]::ParameterValue, 'The live dashboard: stream, filter, histogram by level, top services, details')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Simulator, embedded store and dashboard in one process: zero setup')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Answer queries over HTTP from the embedded store (the query language and JSON of `query`)')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start the Docker stack: Kafka, Elasticsearch, ingestors, Prometheus, Grafana')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop the Docker stack')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The embedded store and the Docker stack: health, ingest rate, consumer lag')
            [CompletionResult]::new('es', 'es', [CompletionResultType]::ParameterValue, 'Elasticsearch housekeeping: install the index template')
            [CompletionResult]::new('retention', 'retention', [CompletionResultType]::ParameterValue, 'Remove old events from the store, by age and/or total size')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Rebuild a damaged embedded store''s manifest from its parts (nothing is deleted)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('saved', 'saved', [CompletionResultType]::ParameterValue, 'Saved queries: name a query once, then write @NAME in any query')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'The queries run lately (query, tail, fields and the dashboard''s filters), oldest first')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a manual page (roff): logagg(1), or a command''s')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'logagg;simulate' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where events go [default: the profile''s `sink`, else embedded]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Events per second; 0 = as fast as possible [default: 0 with --count, else 1000]')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after this many events')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop after this much simulated time, e.g. 30s, 10m, 2h')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the generator; the same seed and --start give the same events')
            [CompletionResult]::new('--start', '--start', [CompletionResultType]::ParameterName, 'Timestamp of the first event (RFC 3339) [default: now, or early enough that a backfill ends now]')
            [CompletionResult]::new('--commit-interval', '--commit-interval', [CompletionResultType]::ParameterName, 'How often the store commits (and becomes visible to readers)')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Kafka bootstrap servers [default: the profile''s `brokers`, else 127.0.0.1:9092]')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic the events travel on')
            [CompletionResult]::new('--kafka-ca', '--kafka-ca', [CompletionResultType]::ParameterName, 'Certificate authority (PEM) that signed the brokers'' certificates')
            [CompletionResult]::new('--kafka-cert', '--kafka-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS, with --kafka-key')
            [CompletionResult]::new('--kafka-key', '--kafka-key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--kafka-sasl', '--kafka-sasl', [CompletionResultType]::ParameterName, 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)')
            [CompletionResult]::new('--kafka-user', '--kafka-user', [CompletionResultType]::ParameterName, 'SASL user')
            [CompletionResult]::new('--kafka-password-file', '--kafka-password-file', [CompletionResultType]::ParameterName, 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed')
            [CompletionResult]::new('--kafka-opt', '--kafka-opt', [CompletionResultType]::ParameterName, 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)')
            [CompletionResult]::new('--partitions', '--partitions', [CompletionResultType]::ParameterName, 'Partitions of a topic created with --create-topic')
            [CompletionResult]::new('--replication-factor', '--replication-factor', [CompletionResultType]::ParameterName, 'Replication factor of a topic created with --create-topic')
            [CompletionResult]::new('--metrics-addr', '--metrics-addr', [CompletionResultType]::ParameterName, 'Serve Prometheus metrics at http://ADDR/metrics (events read and stored, bytes, unparsed lines, batch latency, dead letters; consumer lag from Kafka)')
            [CompletionResult]::new('--es-url', '--es-url', [CompletionResultType]::ParameterName, 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]')
            [CompletionResult]::new('--es-user', '--es-user', [CompletionResultType]::ParameterName, 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)')
            [CompletionResult]::new('--es-ca-cert', '--es-ca-cert', [CompletionResultType]::ParameterName, 'A CA certificate (PEM) to trust for https')
            [CompletionResult]::new('--es-timeout', '--es-timeout', [CompletionResultType]::ParameterName, 'Timeout of each request')
            [CompletionResult]::new('--es-index-prefix', '--es-index-prefix', [CompletionResultType]::ParameterName, 'Indices are PREFIX-YYYY.MM.DD')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--kafka-tls', '--kafka-tls', [CompletionResultType]::ParameterName, 'Connect over TLS, trusting the system''s certificate authorities (implied by the other TLS flags and by --kafka-sasl)')
            [CompletionResult]::new('--create-topic', '--create-topic', [CompletionResultType]::ParameterName, 'Create the topic if it does not exist')
            [CompletionResult]::new('--es-insecure', '--es-insecure', [CompletionResultType]::ParameterName, 'Accept any certificate (self-signed local clusters only)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'logagg;ship' {
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Service of lines that do not name one')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Host of lines that do not name one [default: this machine''s name]')
            [CompletionResult]::new('--field', '--field', [CompletionResultType]::ParameterName, 'Extra context added to every event''s fields (repeatable), e.g. --field env=prod')
            [CompletionResult]::new('--multiline', '--multiline', [CompletionResultType]::ParameterName, 'A regex that starts an entry; lines that do not match it (stack traces) join the entry before them')
            [CompletionResult]::new('--checkpoint', '--checkpoint', [CompletionResultType]::ParameterName, 'Checkpoint file of --follow into Kafka, Elasticsearch or stdout [default: DATA_DIR/ship/SINK-HASH.json, one per sink and set of files]')
            [CompletionResult]::new('--poll', '--poll', [CompletionResultType]::ParameterName, 'How often --follow looks for new lines when the files are quiet')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where events go [default: the profile''s `sink`, else embedded]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Format of the lines; `auto` detects it from the first lines of each file')
            [CompletionResult]::new('--time-format', '--time-format', [CompletionResultType]::ParameterName, 'A strftime pattern for times no format knows, e.g. ''%d.%m.%Y %H:%M:%S'' (found at the start of the line or of one of its first words)')
            [CompletionResult]::new('--timezone', '--timezone', [CompletionResultType]::ParameterName, 'Zone of times written without one: UTC, local, or an offset such as +02:00')
            [CompletionResult]::new('--commit-interval', '--commit-interval', [CompletionResultType]::ParameterName, 'How often the sink commits (and, for the embedded store, becomes visible)')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Kafka bootstrap servers [default: the profile''s `brokers`, else 127.0.0.1:9092]')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic the events travel on')
            [CompletionResult]::new('--kafka-ca', '--kafka-ca', [CompletionResultType]::ParameterName, 'Certificate authority (PEM) that signed the brokers'' certificates')
            [CompletionResult]::new('--kafka-cert', '--kafka-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS, with --kafka-key')
            [CompletionResult]::new('--kafka-key', '--kafka-key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--kafka-sasl', '--kafka-sasl', [CompletionResultType]::ParameterName, 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)')
            [CompletionResult]::new('--kafka-user', '--kafka-user', [CompletionResultType]::ParameterName, 'SASL user')
            [CompletionResult]::new('--kafka-password-file', '--kafka-password-file', [CompletionResultType]::ParameterName, 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed')
            [CompletionResult]::new('--kafka-opt', '--kafka-opt', [CompletionResultType]::ParameterName, 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)')
            [CompletionResult]::new('--partitions', '--partitions', [CompletionResultType]::ParameterName, 'Partitions of a topic created with --create-topic')
            [CompletionResult]::new('--replication-factor', '--replication-factor', [CompletionResultType]::ParameterName, 'Replication factor of a topic created with --create-topic')
            [CompletionResult]::new('--metrics-addr', '--metrics-addr', [CompletionResultType]::ParameterName, 'Serve Prometheus metrics at http://ADDR/metrics (events read and stored, bytes, unparsed lines, batch latency, dead letters; consumer lag from Kafka)')
            [CompletionResult]::new('--es-url', '--es-url', [CompletionResultType]::ParameterName, 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]')
            [CompletionResult]::new('--es-user', '--es-user', [CompletionResultType]::ParameterName, 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)')
            [CompletionResult]::new('--es-ca-cert', '--es-ca-cert', [CompletionResultType]::ParameterName, 'A CA certificate (PEM) to trust for https')
            [CompletionResult]::new('--es-timeout', '--es-timeout', [CompletionResultType]::ParameterName, 'Timeout of each request')
            [CompletionResult]::new('--es-index-prefix', '--es-index-prefix', [CompletionResultType]::ParameterName, 'Indices are PREFIX-YYYY.MM.DD')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--no-file-path', '--no-file-path', [CompletionResultType]::ParameterName, 'Leave out the field `log.file.path` that each event read from a file carries otherwise (events shipped again from an export keep what they had)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep reading as the files grow, across rotation (rename and create, or copytruncate). Into the embedded store the positions are committed with the events (exactly once); into other sinks a checkpoint file remembers what they confirmed')
            [CompletionResult]::new('--kafka-tls', '--kafka-tls', [CompletionResultType]::ParameterName, 'Connect over TLS, trusting the system''s certificate authorities (implied by the other TLS flags and by --kafka-sasl)')
            [CompletionResult]::new('--create-topic', '--create-topic', [CompletionResultType]::ParameterName, 'Create the topic if it does not exist')
            [CompletionResult]::new('--es-insecure', '--es-insecure', [CompletionResultType]::ParameterName, 'Accept any certificate (self-signed local clusters only)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'logagg;ingest' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where consumed events go')
            [CompletionResult]::new('--to-topic', '--to-topic', [CompletionResultType]::ParameterName, 'With --to kafka: the topic to produce to (the source topic is --topic)')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Only events matching this query go to the sink, e.g. --filter ''level:>=warn''; the rest are passed over and not read again')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Kafka bootstrap servers [default: the profile''s `brokers`, else 127.0.0.1:9092]')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic the events travel on')
            [CompletionResult]::new('--kafka-ca', '--kafka-ca', [CompletionResultType]::ParameterName, 'Certificate authority (PEM) that signed the brokers'' certificates')
            [CompletionResult]::new('--kafka-cert', '--kafka-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS, with --kafka-key')
            [CompletionResult]::new('--kafka-key', '--kafka-key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--kafka-sasl', '--kafka-sasl', [CompletionResultType]::ParameterName, 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)')
            [CompletionResult]::new('--kafka-user', '--kafka-user', [CompletionResultType]::ParameterName, 'SASL user')
            [CompletionResult]::new('--kafka-password-file', '--kafka-password-file', [CompletionResultType]::ParameterName, 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed')
            [CompletionResult]::new('--kafka-opt', '--kafka-opt', [CompletionResultType]::ParameterName, 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Consumer group. Into Elasticsearch, standard output or Kafka its members share the partitions and its committed offsets are the checkpoint (default logagg-ingest, logagg-ingest-stdout, logagg-ingest-kafka); into the embedded store they only show lag, since the store''s own positions drive resumption (default logagg-ingest-embedded, so no two sinks share offsets)')
            [CompletionResult]::new('--commit-interval', '--commit-interval', [CompletionResultType]::ParameterName, 'How often the store commits, together with the partitions'' positions')
            [CompletionResult]::new('--batch-events', '--batch-events', [CompletionResultType]::ParameterName, 'Commit sooner once a batch holds this many events')
            [CompletionResult]::new('--batch-bytes', '--batch-bytes', [CompletionResultType]::ParameterName, 'Commit sooner once a batch holds this many bytes of messages')
            [CompletionResult]::new('--bulk-size', '--bulk-size', [CompletionResultType]::ParameterName, 'With --to elasticsearch: bytes of NDJSON per bulk request (Elastic suggests 5-15 MB)')
            [CompletionResult]::new('--max-event-bytes', '--max-event-bytes', [CompletionResultType]::ParameterName, 'Larger events are rejected and sent to the dead-letter topic TOPIC.dlq (see `logagg dlq`)')
            [CompletionResult]::new('--metrics-addr', '--metrics-addr', [CompletionResultType]::ParameterName, 'Serve Prometheus metrics at http://ADDR/metrics (events read and stored, bytes, unparsed lines, batch latency, dead letters; consumer lag from Kafka)')
            [CompletionResult]::new('--es-url', '--es-url', [CompletionResultType]::ParameterName, 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]')
            [CompletionResult]::new('--es-user', '--es-user', [CompletionResultType]::ParameterName, 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)')
            [CompletionResult]::new('--es-ca-cert', '--es-ca-cert', [CompletionResultType]::ParameterName, 'A CA certificate (PEM) to trust for https')
            [CompletionResult]::new('--es-timeout', '--es-timeout', [CompletionResultType]::ParameterName, 'Timeout of each request')
            [CompletionResult]::new('--es-index-prefix', '--es-index-prefix', [CompletionResultType]::ParameterName, 'Indices are PREFIX-YYYY.MM.DD')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--kafka-tls', '--kafka-tls', [CompletionResultType]::ParameterName, 'Connect over TLS, trusting the system''s certificate authorities (implied by the other TLS flags and by --kafka-sasl)')
            [CompletionResult]::new('--exit-at-end', '--exit-at-end', [CompletionResultType]::ParameterName, 'Stop once everything that was in the topic at start is stored')
            [CompletionResult]::new('--es-insecure', '--es-insecure', [CompletionResultType]::ParameterName, 'Accept any certificate (self-signed local clusters only)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'logagg;dlq' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every dead letter of --topic (they live in TOPIC.dlq), oldest first')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Produce the dead letters not replayed before back to --topic')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'logagg;dlq;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'table on a terminal, NDJSON otherwise')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'table on a terminal, NDJSON otherwise')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Kafka bootstrap servers [default: the profile''s `brokers`, else 127.0.0.1:9092]')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic the events travel on')
            [CompletionResult]::new('--kafka-ca', '--kafka-ca', [CompletionResultType]::ParameterName, 'Certificate authority (PEM) that signed the brokers'' certificates')
            [CompletionResult]::new('--kafka-cert', '--kafka-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS, with --kafka-key')
            [CompletionResult]::new('--kafka-key', '--kafka-key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--kafka-sasl', '--kafka-sasl', [CompletionResultType]::ParameterName, 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)')
            [CompletionResult]::new('--kafka-user', '--kafka-user', [CompletionResultType]::ParameterName, 'SASL user')
            [CompletionResult]::new('--kafka-password-file', '--kafka-password-file', [CompletionResultType]::ParameterName, 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed')
            [CompletionResult]::new('--kafka-opt', '--kafka-opt', [CompletionResultType]::ParameterName, 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--kafka-tls', '--kafka-tls', [CompletionResultType]::ParameterName, 'Connect over TLS, trusting the system''s certificate authorities (implied by the other TLS flags and by --kafka-sasl)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'logagg;dlq;replay' {
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Kafka bootstrap servers [default: the profile''s `brokers`, else 127.0.0.1:9092]')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic the events travel on')
            [CompletionResult]::new('--kafka-ca', '--kafka-ca', [CompletionResultType]::ParameterName, 'Certificate authority (PEM) that signed the brokers'' certificates')
            [CompletionResult]::new('--kafka-cert', '--kafka-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS, with --kafka-key')
            [CompletionResult]::new('--kafka-key', '--kafka-key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--kafka-sasl', '--kafka-sasl', [CompletionResultType]::ParameterName, 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)')
            [CompletionResult]::new('--kafka-user', '--kafka-user', [CompletionResultType]::ParameterName, 'SASL user')
            [CompletionResult]::new('--kafka-password-file', '--kafka-password-file', [CompletionResultType]::ParameterName, 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed')
            [CompletionResult]::new('--kafka-opt', '--kafka-opt', [CompletionResultType]::ParameterName, 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--kafka-tls', '--kafka-tls', [CompletionResultType]::ParameterName, 'Connect over TLS, trusting the system''s certificate authorities (implied by the other TLS flags and by --kafka-sasl)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'logagg;dlq;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every dead letter of --topic (they live in TOPIC.dlq), oldest first')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Produce the dead letters not replayed before back to --topic')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'logagg;dlq;help;list' {
            break
        }
        'logagg;dlq;help;replay' {
            break
        }
        'logagg;dlq;help;help' {
            break
        }
        'logagg;query' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events at or after this: a duration ago (15m, 2h, 7d), now-1h, or RFC 3339')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only events before this: a duration ago, now-5m, or RFC 3339')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'At most this many events (or groups with --count-by); 0 = all')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many events (or groups with --count-by); 0 = all')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--count-by', '--count-by', [CompletionResultType]::ParameterName, 'Count matching events per value of FIELD (service, host, level, trace_id or a fields key)')
            [CompletionResult]::new('--histogram', '--histogram', [CompletionResultType]::ParameterName, 'Count matching events per span of time: WIDTH such as 10s, 1m, 1h or 1d, or auto (about sixty buckets over --since/--until, else over the matching events)')
            [CompletionResult]::new('-C', '-C ', [CompletionResultType]::ParameterName, 'Also N events before and after each match, from its own stream (the same service, host and file), in time order; groups are separated by `--`')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Also N events before and after each match, from its own stream (the same service, host and file), in time order; groups are separated by `--`')
            [CompletionResult]::new('-B', '-B ', [CompletionResultType]::ParameterName, 'Also N events before each match (see --context)')
            [CompletionResult]::new('--before-context', '--before-context', [CompletionResultType]::ParameterName, 'Also N events before each match (see --context)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Also N events after each match (see --context)')
            [CompletionResult]::new('--after-context', '--after-context', [CompletionResultType]::ParameterName, 'Also N events after each match (see --context)')
            [CompletionResult]::new('--pattern', '--pattern', [CompletionResultType]::ParameterName, 'Only the events of this pattern (an ID that --patterns printed)')
            [CompletionResult]::new('--compare', '--compare', [CompletionResultType]::ParameterName, 'With --patterns: compare the time range (--since/--until, else the last SHIFT) with the same range SHIFT earlier, listing patterns that are new, gone, or changed in rate beyond --factor')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'With --patterns: compare the time range with this one, START..END (each a duration ago, now-1h, or RFC 3339)')
            [CompletionResult]::new('--factor', '--factor', [CompletionResultType]::ParameterName, 'With --compare/--baseline: how many times higher or lower a pattern''s rate must be to be listed as up or down')
            [CompletionResult]::new('--sample', '--sample', [CompletionResultType]::ParameterName, 'Patterns are mined from the newest N matching events')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Which store to search [default: the profile''s `store`, else embedded]')
            [CompletionResult]::new('--es-url', '--es-url', [CompletionResultType]::ParameterName, 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]')
            [CompletionResult]::new('--es-user', '--es-user', [CompletionResultType]::ParameterName, 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)')
            [CompletionResult]::new('--es-ca-cert', '--es-ca-cert', [CompletionResultType]::ParameterName, 'A CA certificate (PEM) to trust for https')
            [CompletionResult]::new('--es-timeout', '--es-timeout', [CompletionResultType]::ParameterName, 'Timeout of each request')
            [CompletionResult]::new('--es-index-prefix', '--es-index-prefix', [CompletionResultType]::ParameterName, 'Indices are PREFIX-YYYY.MM.DD')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--asc', '--asc', [CompletionResultType]::ParameterName, 'Oldest first (default: newest first)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Print only the number of matching events')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Show how the query was understood (and the Elasticsearch query DSL), without running it')
            [CompletionResult]::new('--patterns', '--patterns', [CompletionResultType]::ParameterName, 'Group the matching events into patterns (kinds of lines): template, count, share, last seen, a trend over the time range and an example; most frequent first')
            [CompletionResult]::new('--with-pattern', '--with-pattern', [CompletionResultType]::ParameterName, 'With JSON output, add each event''s pattern: "pattern": {"id": ..., "template": ...}')
            [CompletionResult]::new('--es-insecure', '--es-insecure', [CompletionResultType]::ParameterName, 'Accept any certificate (self-signed local clusters only)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'logagg;fields' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events at or after this: a duration ago (15m, 2h, 7d), now-1h, or RFC 3339')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only events before this: a duration ago, now-5m, or RFC 3339')
            [CompletionResult]::new('--values', '--values', [CompletionResultType]::ParameterName, 'Also each field''s N most frequent values (one count per field: slower)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Which store to look at [default: the profile''s `store`, else embedded]')
            [CompletionResult]::new('--es-url', '--es-url', [CompletionResultType]::ParameterName, 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]')
            [CompletionResult]::new('--es-user', '--es-user', [CompletionResultType]::ParameterName, 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)')
            [CompletionResult]::new('--es-ca-cert', '--es-ca-cert', [CompletionResultType]::ParameterName, 'A CA certificate (PEM) to trust for https')
            [CompletionResult]::new('--es-timeout', '--es-timeout', [CompletionResultType]::ParameterName, 'Timeout of each request')
            [CompletionResult]::new('--es-index-prefix', '--es-index-prefix', [CompletionResultType]::ParameterName, 'Indices are PREFIX-YYYY.MM.DD')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--es-insecure', '--es-insecure', [CompletionResultType]::ParameterName, 'Accept any certificate (self-signed local clusters only)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'logagg;tail' {
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'Minimum level (trace, debug, info, warn, error, fatal)')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Only this service (wildcards allowed)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Start with the last N matching events')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'Start with the last N matching events')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'o')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'output')
            [CompletionResult]::new('--poll', '--poll', [CompletionResultType]::ParameterName, 'How often to look for new commits')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Where new events come from: the store as writers commit, or Kafka (before indexing)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'With --source kafka: start at this time instead of the end (15m, now-1h or RFC 3339)')
            [CompletionResult]::new('--reorder-window', '--reorder-window', [CompletionResultType]::ParameterName, 'With --source kafka: how long events wait so partitions merge in time order')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Kafka bootstrap servers [default: the profile''s `brokers`, else 127.0.0.1:9092]')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic the events travel on')
            [CompletionResult]::new('--kafka-ca', '--kafka-ca', [CompletionResultType]::ParameterName, 'Certificate authority (PEM) that signed the brokers'' certificates')
            [CompletionResult]::new('--kafka-cert', '--kafka-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS, with --kafka-key')
            [CompletionResult]::new('--kafka-key', '--kafka-key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--kafka-sasl', '--kafka-sasl', [CompletionResultType]::ParameterName, 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)')
            [CompletionResult]::new('--kafka-user', '--kafka-user', [CompletionResultType]::ParameterName, 'SASL user')
            [CompletionResult]::new('--kafka-password-file', '--kafka-password-file', [CompletionResultType]::ParameterName, 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed')
            [CompletionResult]::new('--kafka-opt', '--kafka-opt', [CompletionResultType]::ParameterName, 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Which store to follow [default: the profile''s `store`, else embedded]')
            [CompletionResult]::new('--overlap', '--overlap', [CompletionResultType]::ParameterName, 'On Elasticsearch: how far back each poll looks again for documents that became searchable late (events later than this by their own timestamp are missed)')
            [CompletionResult]::new('--es-url', '--es-url', [CompletionResultType]::ParameterName, 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]')
            [CompletionResult]::new('--es-user', '--es-user', [CompletionResultType]::ParameterName, 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)')
            [CompletionResult]::new('--es-ca-cert', '--es-ca-cert', [CompletionResultType]::ParameterName, 'A CA certificate (PEM) to trust for https')
            [CompletionResult]::new('--es-timeout', '--es-timeout', [CompletionResultType]::ParameterName, 'Timeout of each request')
            [CompletionResult]::new('--es-index-prefix', '--es-index-prefix', [CompletionResultType]::ParameterName, 'Indices are PREFIX-YYYY.MM.DD')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--patterns', '--patterns', [CompletionResultType]::ParameterName, 'With --source kafka: a live table of the patterns of the matching events (on a terminal, redrawn every second; in a pipe, JSON lines when stopped)')
            [CompletionResult]::new('--kafka-tls', '--kafka-tls', [CompletionResultType]::ParameterName, 'Connect over TLS, trusting the system''s certificate authorities (implied by the other TLS flags and by --kafka-sasl)')
            [CompletionResult]::new('--es-insecure', '--es-insecure', [CompletionResultType]::ParameterName, 'Accept any certificate (self-signed local clusters only)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'logagg;dash' {
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Where events come from: the store as writers commit, or Kafka (before indexing)')
            [CompletionResult]::new('--buffer', '--buffer', [CompletionResultType]::ParameterName, 'How many recent events the dashboard keeps (memory stays bounded by this)')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Kafka bootstrap servers [default: the profile''s `brokers`, else 127.0.0.1:9092]')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic the events travel on')
            [CompletionResult]::new('--kafka-ca', '--kafka-ca', [CompletionResultType]::ParameterName, 'Certificate authority (PEM) that signed the brokers'' certificates')
            [CompletionResult]::new('--kafka-cert', '--kafka-cert', [CompletionResultType]::ParameterName, 'Client certificate (PEM) for mutual TLS, with --kafka-key')
            [CompletionResult]::new('--kafka-key', '--kafka-key', [CompletionResultType]::ParameterName, 'Client private key (PEM) for mutual TLS')
            [CompletionResult]::new('--kafka-sasl', '--kafka-sasl', [CompletionResultType]::ParameterName, 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)')
            [CompletionResult]::new('--kafka-user', '--kafka-user', [CompletionResultType]::ParameterName, 'SASL user')
            [CompletionResult]::new('--kafka-password-file', '--kafka-password-file', [CompletionResultType]::ParameterName, 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed')
            [CompletionResult]::new('--kafka-opt', '--kafka-opt', [CompletionResultType]::ParameterName, 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'With --source store: which store [default: the profile''s `store`, else embedded]')
            [CompletionResult]::new('--es-url', '--es-url', [CompletionResultType]::ParameterName, 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]')
            [CompletionResult]::new('--es-user', '--es-user', [CompletionResultType]::ParameterName, 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)')
            [CompletionResult]::new('--es-ca-cert', '--es-ca-cert', [CompletionResultType]::ParameterName, 'A CA certificate (PEM) to trust for https')
            [CompletionResult]::new('--es-timeout', '--es-timeout', [CompletionResultType]::ParameterName, 'Timeout of each request')
            [CompletionResult]::new('--es-index-prefix', '--es-index-prefix', [CompletionResultType]::ParameterName, 'Indices are PREFIX-YYYY.MM.DD')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--kafka-tls', '--kafka-tls', [CompletionResultType]::ParameterName, 'Connect over TLS, trusting the system''s certificate authorities (implied by the other TLS flags and by --kafka-sasl)')
            [CompletionResult]::new('--es-insecure', '--es-insecure', [CompletionResultType]::ParameterName, 'Accept any certificate (self-signed local clusters only)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'logagg;demo' {
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Simulated events per second')
            [CompletionResult]::new('--buffer', '--buffer', [CompletionResultType]::ParameterName, 'How many recent events the dashboard keeps')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop after this long, e.g. 30s or 10m')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the simulator [default: random]')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--headless', '--headless', [CompletionResultType]::ParameterName, 'Run the pipeline without a terminal and print a summary (needs --duration)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'logagg;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (port 0 picks a free one, printed at start)')
            [CompletionResult]::new('--threads', '--threads', [CompletionResultType]::ParameterName, 'Requests answered at once [default: the number of cores]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'A query still running after this long is stopped and answered 503')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Connections held at once; more are answered 503 and closed')
            [CompletionResult]::new('--head-cache', '--head-cache', [CompletionResultType]::ParameterName, 'Memory for block heads (Bloom filters, summaries) kept between requests, so word queries do not read them again; 0 keeps none')
            [CompletionResult]::new('--max-events', '--max-events', [CompletionResultType]::ParameterName, 'Events one answer holds at most (it is built in memory); a request for more is refused, saying to narrow it')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'File holding a token every request must carry as `Authorization: Bearer TOKEN` (/health excepted)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'Certificate chain (PEM) to serve HTTPS with, with --tls-key')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'Private key (PEM) of --tls-cert')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--no-auth', '--no-auth', [CompletionResultType]::ParameterName, 'Serve without a token on an address other hosts can reach (needed there without --token-file)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'logagg;up' {
            [CompletionResult]::new('--ingestors', '--ingestors', [CompletionResultType]::ParameterName, 'Ingestor processes (one consumer group; more than --partitions is useless)')
            [CompletionResult]::new('--partitions', '--partitions', [CompletionResultType]::ParameterName, 'Partitions of the `logs` topic (and `logs.dlq`) created by up')
            [CompletionResult]::new('--kafka-retention', '--kafka-retention', [CompletionResultType]::ParameterName, 'How long Kafka keeps messages, e.g. 7d')
            [CompletionResult]::new('--es-retention', '--es-retention', [CompletionResultType]::ParameterName, 'How long Elasticsearch keeps events (an ILM policy on the daily indices), e.g. 30d')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up if the services are not healthy by then')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'logagg;down' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--volumes', '--volumes', [CompletionResultType]::ParameterName, 'Also delete the stack''s data (Kafka, Elasticsearch, Prometheus, Grafana volumes)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'logagg;status' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'logagg;es' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Install (or update) the index template; safe to run again')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'logagg;es;setup' {
            [CompletionResult]::new('--es-url', '--es-url', [CompletionResultType]::ParameterName, 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]')
            [CompletionResult]::new('--es-user', '--es-user', [CompletionResultType]::ParameterName, 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)')
            [CompletionResult]::new('--es-ca-cert', '--es-ca-cert', [CompletionResultType]::ParameterName, 'A CA certificate (PEM) to trust for https')
            [CompletionResult]::new('--es-timeout', '--es-timeout', [CompletionResultType]::ParameterName, 'Timeout of each request')
            [CompletionResult]::new('--es-index-prefix', '--es-index-prefix', [CompletionResultType]::ParameterName, 'Indices are PREFIX-YYYY.MM.DD')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--es-insecure', '--es-insecure', [CompletionResultType]::ParameterName, 'Accept any certificate (self-signed local clusters only)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'logagg;es;help' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Install (or update) the index template; safe to run again')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'logagg;es;help;setup' {
            break
        }
        'logagg;es;help;help' {
            break
        }
        'logagg;retention' {
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Keep events newer than this (e.g. 7d, 12h)')
            [CompletionResult]::new('--max-size', '--max-size', [CompletionResultType]::ParameterName, 'Keep the store under this size, removing the oldest events (e.g. 500MB, 20GiB)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Which store [default: the profile''s `store`, else embedded]; on Elasticsearch whole daily indices are deleted')
            [CompletionResult]::new('--es-url', '--es-url', [CompletionResultType]::ParameterName, 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]')
            [CompletionResult]::new('--es-user', '--es-user', [CompletionResultType]::ParameterName, 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)')
            [CompletionResult]::new('--es-ca-cert', '--es-ca-cert', [CompletionResultType]::ParameterName, 'A CA certificate (PEM) to trust for https')
            [CompletionResult]::new('--es-timeout', '--es-timeout', [CompletionResultType]::ParameterName, 'Timeout of each request')
            [CompletionResult]::new('--es-index-prefix', '--es-index-prefix', [CompletionResultType]::ParameterName, 'Indices are PREFIX-YYYY.MM.DD')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what would be removed, remove nothing')
            [CompletionResult]::new('--es-insecure', '--es-insecure', [CompletionResultType]::ParameterName, 'Accept any certificate (self-signed local clusters only)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'logagg;repair' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what is wrong and what would be done, change nothing')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'logagg;completions' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'logagg;saved' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every saved query (the default)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Save QUERY as NAME (letters, digits, _ and -); it must parse')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Forget a saved query')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'logagg;saved;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'table on a terminal, NDJSON otherwise')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'table on a terminal, NDJSON otherwise')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'logagg;saved;add' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace a saved query of that name')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'logagg;saved;rm' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'logagg;saved;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every saved query (the default)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Save QUERY as NAME (letters, digits, _ and -); it must parse')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Forget a saved query')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'logagg;saved;help;list' {
            break
        }
        'logagg;saved;help;add' {
            break
        }
        'logagg;saved;help;rm' {
            break
        }
        'logagg;saved;help;help' {
            break
        }
        'logagg;history' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many of the latest to show; 0 = all kept (the last 1,000)')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'How many of the latest to show; 0 = all kept (the last 1,000)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'table on a terminal, NDJSON otherwise')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'table on a terminal, NDJSON otherwise')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'logagg;man' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color output (NO_COLOR in the environment turns `auto` off)')
            [CompletionResult]::new('--no-pager', '--no-pager', [CompletionResultType]::ParameterName, 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'logagg;help' {
            [CompletionResult]::new('simulate', 'simulate', [CompletionResultType]::ParameterValue, 'Generate realistic logs from a fleet of fake services')
            [CompletionResult]::new('ship', 'ship', [CompletionResultType]::ParameterValue, 'Load log lines from files or standard input into the store (or Kafka, Elasticsearch, stdout), each line''s own time, level, host and program read from its format')
            [CompletionResult]::new('ingest', 'ingest', [CompletionResultType]::ParameterValue, 'Consume a Kafka topic into the store (exactly once), Elasticsearch, another topic or stdout')
            [CompletionResult]::new('dlq', 'dlq', [CompletionResultType]::ParameterValue, 'List dead letters (events the store rejected) and replay them once the cause is fixed')
            [CompletionResult]::new('query', 'query', [CompletionResultType]::ParameterValue, 'Search stored events')
            [CompletionResult]::new('fields', 'fields', [CompletionResultType]::ParameterValue, 'List the fields the matching events have: how many hold each, the range of its numbers, and (with --values) its most frequent values')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Follow new events as they are stored')
            [CompletionResult]::new('dash', 'dash', [CompletionResultType]::ParameterValue, 'The live dashboard: stream, filter, histogram by level, top services, details')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Simulator, embedded store and dashboard in one process: zero setup')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Answer queries over HTTP from the embedded store (the query language and JSON of `query`)')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start the Docker stack: Kafka, Elasticsearch, ingestors, Prometheus, Grafana')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop the Docker stack')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The embedded store and the Docker stack: health, ingest rate, consumer lag')
            [CompletionResult]::new('es', 'es', [CompletionResultType]::ParameterValue, 'Elasticsearch housekeeping: install the index template')
            [CompletionResult]::new('retention', 'retention', [CompletionResultType]::ParameterValue, 'Remove old events from the store, by age and/or total size')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Rebuild a damaged embedded store''s manifest from its parts (nothing is deleted)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('saved', 'saved', [CompletionResultType]::ParameterValue, 'Saved queries: name a query once, then write @NAME in any query')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'The queries run lately (query, tail, fields and the dashboard''s filters), oldest first')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a manual page (roff): logagg(1), or a command''s')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'logagg;help;simulate' {
            break
        }
        'logagg;help;ship' {
            break
        }
        'logagg;help;ingest' {
            break
        }
        'logagg;help;dlq' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every dead letter of --topic (they live in TOPIC.dlq), oldest first')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Produce the dead letters not replayed before back to --topic')
            break
        }
        'logagg;help;dlq;list' {
            break
        }
        'logagg;help;dlq;replay' {
            break
        }
        'logagg;help;query' {
            break
        }
        'logagg;help;fields' {
            break
        }
        'logagg;help;tail' {
            break
        }
        'logagg;help;dash' {
            break
        }
        'logagg;help;demo' {
            break
        }
        'logagg;help;serve' {
            break
        }
        'logagg;help;up' {
            break
        }
        'logagg;help;down' {
            break
        }
        'logagg;help;status' {
            break
        }
        'logagg;help;es' {
            [CompletionResult]::new('setup', 'setup', [CompletionResultType]::ParameterValue, 'Install (or update) the index template; safe to run again')
            break
        }
        'logagg;help;es;setup' {
            break
        }
        'logagg;help;retention' {
            break
        }
        'logagg;help;repair' {
            break
        }
        'logagg;help;completions' {
            break
        }
        'logagg;help;saved' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every saved query (the default)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Save QUERY as NAME (letters, digits, _ and -); it must parse')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Forget a saved query')
            break
        }
        'logagg;help;saved;list' {
            break
        }
        'logagg;help;saved;add' {
            break
        }
        'logagg;help;saved;rm' {
            break
        }
        'logagg;help;history' {
            break
        }
        'logagg;help;man' {
            break
        }
        'logagg;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
