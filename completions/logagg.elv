
use builtin;
use str;

set edit:completion:arg-completer[logagg] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'logagg'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'logagg'= {
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand simulate 'Generate realistic logs from a fleet of fake services'
            cand ship 'Load log lines from files or standard input into the store (or Kafka, Elasticsearch, stdout), each line''s own time, level, host and program read from its format'
            cand ingest 'Consume a Kafka topic into the store (exactly once), Elasticsearch, another topic or stdout'
            cand dlq 'List dead letters (events the store rejected) and replay them once the cause is fixed'
            cand query 'Search stored events'
            cand fields 'List the fields the matching events have: how many hold each, the range of its numbers, and (with --values) its most frequent values'
            cand tail 'Follow new events as they are stored'
            cand dash 'The live dashboard: stream, filter, histogram by level, top services, details'
            cand demo 'Simulator, embedded store and dashboard in one process: zero setup'
            cand serve 'Answer queries over HTTP from the embedded store (the query language and JSON of `query`)'
            cand up 'Start the Docker stack: Kafka, Elasticsearch, ingestors, Prometheus, Grafana'
            cand down 'Stop the Docker stack'
            cand status 'The embedded store and the Docker stack: health, ingest rate, consumer lag'
            cand es 'Elasticsearch housekeeping: install the index template'
            cand retention 'Remove old events from the store, by age and/or total size'
            cand repair 'Rebuild a damaged embedded store''s manifest from its parts (nothing is deleted)'
            cand completions 'Print a shell completion script'
            cand saved 'Saved queries: name a query once, then write @NAME in any query'
            cand history 'The queries run lately (query, tail, fields and the dashboard''s filters), oldest first'
            cand man 'Print a manual page (roff): logagg(1), or a command''s'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'logagg;simulate'= {
            cand --to 'Where events go [default: the profile''s `sink`, else embedded]'
            cand --rate 'Events per second; 0 = as fast as possible [default: 0 with --count, else 1000]'
            cand --count 'Stop after this many events'
            cand --duration 'Stop after this much simulated time, e.g. 30s, 10m, 2h'
            cand --seed 'Seed of the generator; the same seed and --start give the same events'
            cand --start 'Timestamp of the first event (RFC 3339) [default: now, or early enough that a backfill ends now]'
            cand --commit-interval 'How often the store commits (and becomes visible to readers)'
            cand --brokers 'Kafka bootstrap servers [default: the profile''s `brokers`, else 127.0.0.1:9092]'
            cand --topic 'Topic the events travel on'
            cand --kafka-ca 'Certificate authority (PEM) that signed the brokers'' certificates'
            cand --kafka-cert 'Client certificate (PEM) for mutual TLS, with --kafka-key'
            cand --kafka-key 'Client private key (PEM) for mutual TLS'
            cand --kafka-sasl 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)'
            cand --kafka-user 'SASL user'
            cand --kafka-password-file 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed'
            cand --kafka-opt 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)'
            cand --partitions 'Partitions of a topic created with --create-topic'
            cand --replication-factor 'Replication factor of a topic created with --create-topic'
            cand --metrics-addr 'Serve Prometheus metrics at http://ADDR/metrics (events read and stored, bytes, unparsed lines, batch latency, dead letters; consumer lag from Kafka)'
            cand --es-url 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]'
            cand --es-user 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)'
            cand --es-ca-cert 'A CA certificate (PEM) to trust for https'
            cand --es-timeout 'Timeout of each request'
            cand --es-index-prefix 'Indices are PREFIX-YYYY.MM.DD'
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --kafka-tls 'Connect over TLS, trusting the system''s certificate authorities (implied by the other TLS flags and by --kafka-sasl)'
            cand --create-topic 'Create the topic if it does not exist'
            cand --es-insecure 'Accept any certificate (self-signed local clusters only)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'logagg;ship'= {
            cand --service 'Service of lines that do not name one'
            cand --host 'Host of lines that do not name one [default: this machine''s name]'
            cand --field 'Extra context added to every event''s fields (repeatable), e.g. --field env=prod'
            cand --multiline 'A regex that starts an entry; lines that do not match it (stack traces) join the entry before them'
            cand --checkpoint 'Checkpoint file of --follow into Kafka, Elasticsearch or stdout [default: DATA_DIR/ship/SINK-HASH.json, one per sink and set of files]'
            cand --poll 'How often --follow looks for new lines when the files are quiet'
            cand --to 'Where events go [default: the profile''s `sink`, else embedded]'
            cand --format 'Format of the lines; `auto` detects it from the first lines of each file'
            cand --time-format 'A strftime pattern for times no format knows, e.g. ''%d.%m.%Y %H:%M:%S'' (found at the start of the line or of one of its first words)'
            cand --timezone 'Zone of times written without one: UTC, local, or an offset such as +02:00'
            cand --commit-interval 'How often the sink commits (and, for the embedded store, becomes visible)'
            cand --brokers 'Kafka bootstrap servers [default: the profile''s `brokers`, else 127.0.0.1:9092]'
            cand --topic 'Topic the events travel on'
            cand --kafka-ca 'Certificate authority (PEM) that signed the brokers'' certificates'
            cand --kafka-cert 'Client certificate (PEM) for mutual TLS, with --kafka-key'
            cand --kafka-key 'Client private key (PEM) for mutual TLS'
            cand --kafka-sasl 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)'
            cand --kafka-user 'SASL user'
            cand --kafka-password-file 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed'
            cand --kafka-opt 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)'
            cand --partitions 'Partitions of a topic created with --create-topic'
            cand --replication-factor 'Replication factor of a topic created with --create-topic'
            cand --metrics-addr 'Serve Prometheus metrics at http://ADDR/metrics (events read and stored, bytes, unparsed lines, batch latency, dead letters; consumer lag from Kafka)'
            cand --es-url 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]'
            cand --es-user 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)'
            cand --es-ca-cert 'A CA certificate (PEM) to trust for https'
            cand --es-timeout 'Timeout of each request'
            cand --es-index-prefix 'Indices are PREFIX-YYYY.MM.DD'
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --no-file-path 'Leave out the field `log.file.path` that each event read from a file carries otherwise (events shipped again from an export keep what they had)'
            cand --follow 'Keep reading as the files grow, across rotation (rename and create, or copytruncate). Into the embedded store the positions are committed with the events (exactly once); into other sinks a checkpoint file remembers what they confirmed'
            cand --kafka-tls 'Connect over TLS, trusting the system''s certificate authorities (implied by the other TLS flags and by --kafka-sasl)'
            cand --create-topic 'Create the topic if it does not exist'
            cand --es-insecure 'Accept any certificate (self-signed local clusters only)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'logagg;ingest'= {
            cand --to 'Where consumed events go'
            cand --to-topic 'With --to kafka: the topic to produce to (the source topic is --topic)'
            cand --filter 'Only events matching this query go to the sink, e.g. --filter ''level:>=warn''; the rest are passed over and not read again'
            cand --brokers 'Kafka bootstrap servers [default: the profile''s `brokers`, else 127.0.0.1:9092]'
            cand --topic 'Topic the events travel on'
            cand --kafka-ca 'Certificate authority (PEM) that signed the brokers'' certificates'
            cand --kafka-cert 'Client certificate (PEM) for mutual TLS, with --kafka-key'
            cand --kafka-key 'Client private key (PEM) for mutual TLS'
            cand --kafka-sasl 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)'
            cand --kafka-user 'SASL user'
            cand --kafka-password-file 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed'
            cand --kafka-opt 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)'
            cand --group 'Consumer group. Into Elasticsearch, standard output or Kafka its members share the partitions and its committed offsets are the checkpoint (default logagg-ingest, logagg-ingest-stdout, logagg-ingest-kafka); into the embedded store they only show lag, since the store''s own positions drive resumption (default logagg-ingest-embedded, so no two sinks share offsets)'
            cand --commit-interval 'How often the store commits, together with the partitions'' positions'
            cand --batch-events 'Commit sooner once a batch holds this many events'
            cand --batch-bytes 'Commit sooner once a batch holds this many bytes of messages'
            cand --bulk-size 'With --to elasticsearch: bytes of NDJSON per bulk request (Elastic suggests 5-15 MB)'
            cand --max-event-bytes 'Larger events are rejected and sent to the dead-letter topic TOPIC.dlq (see `logagg dlq`)'
            cand --metrics-addr 'Serve Prometheus metrics at http://ADDR/metrics (events read and stored, bytes, unparsed lines, batch latency, dead letters; consumer lag from Kafka)'
            cand --es-url 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]'
            cand --es-user 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)'
            cand --es-ca-cert 'A CA certificate (PEM) to trust for https'
            cand --es-timeout 'Timeout of each request'
            cand --es-index-prefix 'Indices are PREFIX-YYYY.MM.DD'
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --kafka-tls 'Connect over TLS, trusting the system''s certificate authorities (implied by the other TLS flags and by --kafka-sasl)'
            cand --exit-at-end 'Stop once everything that was in the topic at start is stored'
            cand --es-insecure 'Accept any certificate (self-signed local clusters only)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'logagg;dlq'= {
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'Every dead letter of --topic (they live in TOPIC.dlq), oldest first'
            cand replay 'Produce the dead letters not replayed before back to --topic'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'logagg;dlq;list'= {
            cand -o 'table on a terminal, NDJSON otherwise'
            cand --output 'table on a terminal, NDJSON otherwise'
            cand --brokers 'Kafka bootstrap servers [default: the profile''s `brokers`, else 127.0.0.1:9092]'
            cand --topic 'Topic the events travel on'
            cand --kafka-ca 'Certificate authority (PEM) that signed the brokers'' certificates'
            cand --kafka-cert 'Client certificate (PEM) for mutual TLS, with --kafka-key'
            cand --kafka-key 'Client private key (PEM) for mutual TLS'
            cand --kafka-sasl 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)'
            cand --kafka-user 'SASL user'
            cand --kafka-password-file 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed'
            cand --kafka-opt 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)'
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --kafka-tls 'Connect over TLS, trusting the system''s certificate authorities (implied by the other TLS flags and by --kafka-sasl)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'logagg;dlq;replay'= {
            cand --brokers 'Kafka bootstrap servers [default: the profile''s `brokers`, else 127.0.0.1:9092]'
            cand --topic 'Topic the events travel on'
            cand --kafka-ca 'Certificate authority (PEM) that signed the brokers'' certificates'
            cand --kafka-cert 'Client certificate (PEM) for mutual TLS, with --kafka-key'
            cand --kafka-key 'Client private key (PEM) for mutual TLS'
            cand --kafka-sasl 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)'
            cand --kafka-user 'SASL user'
            cand --kafka-password-file 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed'
            cand --kafka-opt 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)'
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --kafka-tls 'Connect over TLS, trusting the system''s certificate authorities (implied by the other TLS flags and by --kafka-sasl)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'logagg;dlq;help'= {
            cand list 'Every dead letter of --topic (they live in TOPIC.dlq), oldest first'
            cand replay 'Produce the dead letters not replayed before back to --topic'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'logagg;dlq;help;list'= {
        }
        &'logagg;dlq;help;replay'= {
        }
        &'logagg;dlq;help;help'= {
        }
        &'logagg;query'= {
            cand --since 'Only events at or after this: a duration ago (15m, 2h, 7d), now-1h, or RFC 3339'
            cand --until 'Only events before this: a duration ago, now-5m, or RFC 3339'
            cand -l 'At most this many events (or groups with --count-by); 0 = all'
            cand --limit 'At most this many events (or groups with --count-by); 0 = all'
            cand -o 'o'
            cand --output 'output'
            cand --count-by 'Count matching events per value of FIELD (service, host, level, trace_id or a fields key)'
            cand --histogram 'Count matching events per span of time: WIDTH such as 10s, 1m, 1h or 1d, or auto (about sixty buckets over --since/--until, else over the matching events)'
            cand -C 'Also N events before and after each match, from its own stream (the same service, host and file), in time order; groups are separated by `--`'
            cand --context 'Also N events before and after each match, from its own stream (the same service, host and file), in time order; groups are separated by `--`'
            cand -B 'Also N events before each match (see --context)'
            cand --before-context 'Also N events before each match (see --context)'
            cand -A 'Also N events after each match (see --context)'
            cand --after-context 'Also N events after each match (see --context)'
            cand --pattern 'Only the events of this pattern (an ID that --patterns printed)'
            cand --compare 'With --patterns: compare the time range (--since/--until, else the last SHIFT) with the same range SHIFT earlier, listing patterns that are new, gone, or changed in rate beyond --factor'
            cand --baseline 'With --patterns: compare the time range with this one, START..END (each a duration ago, now-1h, or RFC 3339)'
            cand --factor 'With --compare/--baseline: how many times higher or lower a pattern''s rate must be to be listed as up or down'
            cand --sample 'Patterns are mined from the newest N matching events'
            cand --store 'Which store to search [default: the profile''s `store`, else embedded]'
            cand --es-url 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]'
            cand --es-user 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)'
            cand --es-ca-cert 'A CA certificate (PEM) to trust for https'
            cand --es-timeout 'Timeout of each request'
            cand --es-index-prefix 'Indices are PREFIX-YYYY.MM.DD'
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --asc 'Oldest first (default: newest first)'
            cand --count 'Print only the number of matching events'
            cand --explain 'Show how the query was understood (and the Elasticsearch query DSL), without running it'
            cand --patterns 'Group the matching events into patterns (kinds of lines): template, count, share, last seen, a trend over the time range and an example; most frequent first'
            cand --with-pattern 'With JSON output, add each event''s pattern: "pattern": {"id": ..., "template": ...}'
            cand --es-insecure 'Accept any certificate (self-signed local clusters only)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'logagg;fields'= {
            cand --since 'Only events at or after this: a duration ago (15m, 2h, 7d), now-1h, or RFC 3339'
            cand --until 'Only events before this: a duration ago, now-5m, or RFC 3339'
            cand --values 'Also each field''s N most frequent values (one count per field: slower)'
            cand -o 'o'
            cand --output 'output'
            cand --store 'Which store to look at [default: the profile''s `store`, else embedded]'
            cand --es-url 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]'
            cand --es-user 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)'
            cand --es-ca-cert 'A CA certificate (PEM) to trust for https'
            cand --es-timeout 'Timeout of each request'
            cand --es-index-prefix 'Indices are PREFIX-YYYY.MM.DD'
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --es-insecure 'Accept any certificate (self-signed local clusters only)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'logagg;tail'= {
            cand --level 'Minimum level (trace, debug, info, warn, error, fatal)'
            cand --service 'Only this service (wildcards allowed)'
            cand -n 'Start with the last N matching events'
            cand --lines 'Start with the last N matching events'
            cand -o 'o'
            cand --output 'output'
            cand --poll 'How often to look for new commits'
            cand --source 'Where new events come from: the store as writers commit, or Kafka (before indexing)'
            cand --since 'With --source kafka: start at this time instead of the end (15m, now-1h or RFC 3339)'
            cand --reorder-window 'With --source kafka: how long events wait so partitions merge in time order'
            cand --brokers 'Kafka bootstrap servers [default: the profile''s `brokers`, else 127.0.0.1:9092]'
            cand --topic 'Topic the events travel on'
            cand --kafka-ca 'Certificate authority (PEM) that signed the brokers'' certificates'
            cand --kafka-cert 'Client certificate (PEM) for mutual TLS, with --kafka-key'
            cand --kafka-key 'Client private key (PEM) for mutual TLS'
            cand --kafka-sasl 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)'
            cand --kafka-user 'SASL user'
            cand --kafka-password-file 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed'
            cand --kafka-opt 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)'
            cand --store 'Which store to follow [default: the profile''s `store`, else embedded]'
            cand --overlap 'On Elasticsearch: how far back each poll looks again for documents that became searchable late (events later than this by their own timestamp are missed)'
            cand --es-url 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]'
            cand --es-user 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)'
            cand --es-ca-cert 'A CA certificate (PEM) to trust for https'
            cand --es-timeout 'Timeout of each request'
            cand --es-index-prefix 'Indices are PREFIX-YYYY.MM.DD'
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --patterns 'With --source kafka: a live table of the patterns of the matching events (on a terminal, redrawn every second; in a pipe, JSON lines when stopped)'
            cand --kafka-tls 'Connect over TLS, trusting the system''s certificate authorities (implied by the other TLS flags and by --kafka-sasl)'
            cand --es-insecure 'Accept any certificate (self-signed local clusters only)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'logagg;dash'= {
            cand --source 'Where events come from: the store as writers commit, or Kafka (before indexing)'
            cand --buffer 'How many recent events the dashboard keeps (memory stays bounded by this)'
            cand --brokers 'Kafka bootstrap servers [default: the profile''s `brokers`, else 127.0.0.1:9092]'
            cand --topic 'Topic the events travel on'
            cand --kafka-ca 'Certificate authority (PEM) that signed the brokers'' certificates'
            cand --kafka-cert 'Client certificate (PEM) for mutual TLS, with --kafka-key'
            cand --kafka-key 'Client private key (PEM) for mutual TLS'
            cand --kafka-sasl 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (over TLS unless --kafka-opt security.protocol=SASL_PLAINTEXT)'
            cand --kafka-user 'SASL user'
            cand --kafka-password-file 'File holding the SASL password (or set LOGAGG_KAFKA_PASSWORD); never printed'
            cand --kafka-opt 'Any librdkafka property, e.g. ssl.endpoint.identification.algorithm=none (repeatable; applied last)'
            cand --store 'With --source store: which store [default: the profile''s `store`, else embedded]'
            cand --es-url 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]'
            cand --es-user 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)'
            cand --es-ca-cert 'A CA certificate (PEM) to trust for https'
            cand --es-timeout 'Timeout of each request'
            cand --es-index-prefix 'Indices are PREFIX-YYYY.MM.DD'
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --kafka-tls 'Connect over TLS, trusting the system''s certificate authorities (implied by the other TLS flags and by --kafka-sasl)'
            cand --es-insecure 'Accept any certificate (self-signed local clusters only)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'logagg;demo'= {
            cand --rate 'Simulated events per second'
            cand --buffer 'How many recent events the dashboard keeps'
            cand --duration 'Stop after this long, e.g. 30s or 10m'
            cand --seed 'Seed of the simulator [default: random]'
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --headless 'Run the pipeline without a terminal and print a summary (needs --duration)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'logagg;serve'= {
            cand --listen 'Address to listen on (port 0 picks a free one, printed at start)'
            cand --threads 'Requests answered at once [default: the number of cores]'
            cand --timeout 'A query still running after this long is stopped and answered 503'
            cand --max-connections 'Connections held at once; more are answered 503 and closed'
            cand --head-cache 'Memory for block heads (Bloom filters, summaries) kept between requests, so word queries do not read them again; 0 keeps none'
            cand --max-events 'Events one answer holds at most (it is built in memory); a request for more is refused, saying to narrow it'
            cand --token-file 'File holding a token every request must carry as `Authorization: Bearer TOKEN` (/health excepted)'
            cand --tls-cert 'Certificate chain (PEM) to serve HTTPS with, with --tls-key'
            cand --tls-key 'Private key (PEM) of --tls-cert'
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --no-auth 'Serve without a token on an address other hosts can reach (needed there without --token-file)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'logagg;up'= {
            cand --ingestors 'Ingestor processes (one consumer group; more than --partitions is useless)'
            cand --partitions 'Partitions of the `logs` topic (and `logs.dlq`) created by up'
            cand --kafka-retention 'How long Kafka keeps messages, e.g. 7d'
            cand --es-retention 'How long Elasticsearch keeps events (an ILM policy on the daily indices), e.g. 30d'
            cand --timeout 'Give up if the services are not healthy by then'
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'logagg;down'= {
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --volumes 'Also delete the stack''s data (Kafka, Elasticsearch, Prometheus, Grafana volumes)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'logagg;status'= {
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'logagg;es'= {
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand setup 'Install (or update) the index template; safe to run again'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'logagg;es;setup'= {
            cand --es-url 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]'
            cand --es-user 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)'
            cand --es-ca-cert 'A CA certificate (PEM) to trust for https'
            cand --es-timeout 'Timeout of each request'
            cand --es-index-prefix 'Indices are PREFIX-YYYY.MM.DD'
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --es-insecure 'Accept any certificate (self-signed local clusters only)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'logagg;es;help'= {
            cand setup 'Install (or update) the index template; safe to run again'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'logagg;es;help;setup'= {
        }
        &'logagg;es;help;help'= {
        }
        &'logagg;retention'= {
            cand --keep 'Keep events newer than this (e.g. 7d, 12h)'
            cand --max-size 'Keep the store under this size, removing the oldest events (e.g. 500MB, 20GiB)'
            cand --store 'Which store [default: the profile''s `store`, else embedded]; on Elasticsearch whole daily indices are deleted'
            cand --es-url 'Elasticsearch node URLs, comma-separated [default: the profile''s `es_url`, else http://127.0.0.1:9200]'
            cand --es-user 'User for basic auth (the password comes from LOGAGG_ES_PASSWORD or the profile)'
            cand --es-ca-cert 'A CA certificate (PEM) to trust for https'
            cand --es-timeout 'Timeout of each request'
            cand --es-index-prefix 'Indices are PREFIX-YYYY.MM.DD'
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --dry-run 'Say what would be removed, remove nothing'
            cand --es-insecure 'Accept any certificate (self-signed local clusters only)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'logagg;repair'= {
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --dry-run 'Say what is wrong and what would be done, change nothing'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'logagg;completions'= {
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'logagg;saved'= {
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'Every saved query (the default)'
            cand add 'Save QUERY as NAME (letters, digits, _ and -); it must parse'
            cand rm 'Forget a saved query'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'logagg;saved;list'= {
            cand -o 'table on a terminal, NDJSON otherwise'
            cand --output 'table on a terminal, NDJSON otherwise'
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'logagg;saved;add'= {
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --force 'Replace a saved query of that name'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'logagg;saved;rm'= {
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'logagg;saved;help'= {
            cand list 'Every saved query (the default)'
            cand add 'Save QUERY as NAME (letters, digits, _ and -); it must parse'
            cand rm 'Forget a saved query'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'logagg;saved;help;list'= {
        }
        &'logagg;saved;help;add'= {
        }
        &'logagg;saved;help;rm'= {
        }
        &'logagg;saved;help;help'= {
        }
        &'logagg;history'= {
            cand -n 'How many of the latest to show; 0 = all kept (the last 1,000)'
            cand --lines 'How many of the latest to show; 0 = all kept (the last 1,000)'
            cand -o 'table on a terminal, NDJSON otherwise'
            cand --output 'table on a terminal, NDJSON otherwise'
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'logagg;man'= {
            cand --data-dir 'Directory of the embedded store [default: $XDG_DATA_HOME/logagg]'
            cand --config 'Configuration file [default: $XDG_CONFIG_HOME/logagg/config.toml]'
            cand --profile 'Profile of the configuration file to use [default: the file''s `profile`, else "local"]'
            cand --color 'When to color output (NO_COLOR in the environment turns `auto` off)'
            cand --no-pager 'Write a long answer straight to the terminal instead of through the pager ($LOGAGG_PAGER, else $PAGER, else less)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'logagg;help'= {
            cand simulate 'Generate realistic logs from a fleet of fake services'
            cand ship 'Load log lines from files or standard input into the store (or Kafka, Elasticsearch, stdout), each line''s own time, level, host and program read from its format'
            cand ingest 'Consume a Kafka topic into the store (exactly once), Elasticsearch, another topic or stdout'
            cand dlq 'List dead letters (events the store rejected) and replay them once the cause is fixed'
            cand query 'Search stored events'
            cand fields 'List the fields the matching events have: how many hold each, the range of its numbers, and (with --values) its most frequent values'
            cand tail 'Follow new events as they are stored'
            cand dash 'The live dashboard: stream, filter, histogram by level, top services, details'
            cand demo 'Simulator, embedded store and dashboard in one process: zero setup'
            cand serve 'Answer queries over HTTP from the embedded store (the query language and JSON of `query`)'
            cand up 'Start the Docker stack: Kafka, Elasticsearch, ingestors, Prometheus, Grafana'
            cand down 'Stop the Docker stack'
            cand status 'The embedded store and the Docker stack: health, ingest rate, consumer lag'
            cand es 'Elasticsearch housekeeping: install the index template'
            cand retention 'Remove old events from the store, by age and/or total size'
            cand repair 'Rebuild a damaged embedded store''s manifest from its parts (nothing is deleted)'
            cand completions 'Print a shell completion script'
            cand saved 'Saved queries: name a query once, then write @NAME in any query'
            cand history 'The queries run lately (query, tail, fields and the dashboard''s filters), oldest first'
            cand man 'Print a manual page (roff): logagg(1), or a command''s'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'logagg;help;simulate'= {
        }
        &'logagg;help;ship'= {
        }
        &'logagg;help;ingest'= {
        }
        &'logagg;help;dlq'= {
            cand list 'Every dead letter of --topic (they live in TOPIC.dlq), oldest first'
            cand replay 'Produce the dead letters not replayed before back to --topic'
        }
        &'logagg;help;dlq;list'= {
        }
        &'logagg;help;dlq;replay'= {
        }
        &'logagg;help;query'= {
        }
        &'logagg;help;fields'= {
        }
        &'logagg;help;tail'= {
        }
        &'logagg;help;dash'= {
        }
        &'logagg;help;demo'= {
        }
        &'logagg;help;serve'= {
        }
        &'logagg;help;up'= {
        }
        &'logagg;help;down'= {
        }
        &'logagg;help;status'= {
        }
        &'logagg;help;es'= {
            cand setup 'Install (or update) the index template; safe to run again'
        }
        &'logagg;help;es;setup'= {
        }
        &'logagg;help;retention'= {
        }
        &'logagg;help;repair'= {
        }
        &'logagg;help;completions'= {
        }
        &'logagg;help;saved'= {
            cand list 'Every saved query (the default)'
            cand add 'Save QUERY as NAME (letters, digits, _ and -); it must parse'
            cand rm 'Forget a saved query'
        }
        &'logagg;help;saved;list'= {
        }
        &'logagg;help;saved;add'= {
        }
        &'logagg;help;saved;rm'= {
        }
        &'logagg;help;history'= {
        }
        &'logagg;help;man'= {
        }
        &'logagg;help;help'= {
        }
    ]
    $completions[$command]
}
