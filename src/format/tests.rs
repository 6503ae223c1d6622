//! Each format as the real programs write it: detection from a few lines, then each line's
//! time, level, host, service and pid.

use super::clock::utc;
use super::*;
use crate::event::Level;

struct Expect {
    time: &'static str,
    level: Level,
    host: &'static str,
    service: &'static str,
    pid: Option<u64>,
}

const fn at(time: &'static str, level: Level) -> Expect {
    Expect {
        time,
        level,
        host: UNKNOWN,
        service: UNKNOWN,
        pid: None,
    }
}

/// The file's modification time: supplies years and dates the lines leave out.
const REFERENCE: &str = "2026-11-26T12:00:00Z";

fn decoder_for(lines: &[&str]) -> LineDecoder {
    let sample = lines.join("\n") + "\n";
    let format = detect(sample.as_bytes(), FormatChoice::Auto, None);
    LineDecoder::new(
        format,
        Clock {
            zone: Zone::Utc,
            reference: utc(REFERENCE),
        },
    )
}

fn check(name: &str, lines: &[&str], expected: &[Expect]) {
    let mut decoder = decoder_for(lines);
    assert_eq!(decoder.format.name(), name, "format of {lines:#?}");
    let shipped = utc("2030-01-01T00:00:00Z");
    // As `ship` decodes: into the event that held the line before.
    let mut reused = crate::event::LogEvent::default();
    for (line, want) in lines.iter().zip(expected) {
        decoder.decode_into(line.as_bytes(), shipped, &mut reused);
        let event = decoder.decode(line.as_bytes(), shipped);
        assert_eq!(
            reused, event,
            "decoded into the event of the line before: {line}"
        );
        assert!(!event.unparsed, "{line}");
        assert_ne!(event.time_from, crate::event::TimeFrom::Received, "{line}");
        assert_eq!(event.timestamp, utc(want.time), "time of {line}");
        assert_eq!(event.level, want.level, "level of {line}");
        assert_eq!(event.host, want.host, "host of {line}");
        assert_eq!(event.service, want.service, "service of {line}");
        assert_eq!(
            event.fields.get("pid").and_then(|v| v.as_u64()),
            want.pid,
            "pid of {line}"
        );
        assert_eq!(event.message, *line, "the whole line is the message");
    }
    assert_eq!(decoder.unmatched, 0);
}

fn with(mut e: Expect, host: &'static str, service: &'static str, pid: Option<u64>) -> Expect {
    e.host = host;
    e.service = service;
    e.pid = pid;
    e
}

use Level::*;

#[test]
fn bsd_syslog() {
    check(
        "syslog",
        &[
            "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4",
            "Jun 15 02:04:59 combo kernel: klogd 1.4.1, log source = /proc/kmsg started.",
            "Dec 10 06:55:46 LabSZ sshd[24200]: error: Received disconnect from 173.234.31.186: 11: Bye Bye [preauth]",
            "Jul  1 09:00:55 calvisitor-10-105-160-95 kernel[0]: IOThunderboltSwitch<0>(0x0)::listenerCallback - Thunderbolt HPD packet for route = 0x0 port = 11 unplug = 0",
            "<11>Nov 26 21:00:00 web-1 nginx[812]: upstream timed out",
            "2026-11-26T21:00:00.123456+01:00 db-2 postgres[44]: checkpoint starting: time",
        ],
        &[
            with(at("2026-06-14T15:16:01Z", Info), "combo", "sshd(pam_unix)", Some(19939)),
            with(at("2026-06-15T02:04:59Z", Info), "combo", "kernel", None),
            with(at("2025-12-10T06:55:46Z", Error), "LabSZ", "sshd", Some(24200)),
            with(at("2026-07-01T09:00:55Z", Info), "calvisitor-10-105-160-95", "kernel", Some(0)),
            with(at("2026-11-26T21:00:00Z", Error), "web-1", "nginx", Some(812)),
            with(at("2026-11-26T20:00:00.123456Z", Info), "db-2", "postgres", Some(44)),
        ],
    );
}

#[test]
fn rfc5424() {
    check(
        "rfc5424",
        &[
            r#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event"#,
            "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su 77 - - 'su root' failed for lonvick on /dev/pts/8",
        ],
        &[
            with(at("2003-10-11T22:14:15.003Z", Info), "mymachine.example.com", "evntslog", None),
            with(at("2003-10-11T22:14:15.003Z", Fatal), "mymachine.example.com", "su", Some(77)),
        ],
    );
}

#[test]
fn access_logs() {
    let lines = [
        r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#,
        r#"203.0.113.9 - - [26/Nov/2026:21:00:00 +0000] "POST /api/checkout HTTP/1.1" 502 157 "https://shop.example/cart" "Mozilla/5.0 (X11; Linux x86_64)""#,
        r#"198.51.100.4 - - [26/Nov/2026:21:00:01 +0000] "GET /missing HTTP/1.1" 404 0 "-" "curl/8.5.0""#,
    ];
    check(
        "access",
        &lines,
        &[
            at("2000-10-10T20:55:36Z", Info),
            at("2026-11-26T21:00:00Z", Error),
            at("2026-11-26T21:00:01Z", Warn),
        ],
    );
    let mut decoder = decoder_for(&lines);
    let event = decoder.decode(lines[1].as_bytes(), utc(REFERENCE));
    assert_eq!(event.fields["status"], 502);
    assert_eq!(event.fields["method"], "POST");
    assert_eq!(event.fields["path"], "/api/checkout");
    assert_eq!(event.fields["client"], "203.0.113.9");
    assert_eq!(
        event.fields["user_agent"],
        "Mozilla/5.0 (X11; Linux x86_64)"
    );
}

#[test]
fn web_server_error_logs() {
    check(
        "header",
        &[
            "2026/11/26 21:00:00 [error] 812#812: *5 connect() failed (111: Connection refused) while connecting to upstream",
            "2026/11/26 21:00:02 [warn] 812#812: *9 an upstream response is buffered to a temporary file",
            "2026/11/26 21:00:03 [notice] 1#1: signal process started",
        ],
        &[
            at("2026-11-26T21:00:00Z", Error),
            at("2026-11-26T21:00:02Z", Warn),
            at("2026-11-26T21:00:03Z", Info),
        ],
    );
    check(
        "header",
        &[
            "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",
            "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
            "[Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187] File does not exist: /usr/local/apache2/htdocs/favicon.ico",
        ],
        &[
            at("2005-12-04T04:47:44Z", Info),
            at("2005-12-04T04:47:44Z", Error),
            at("2011-09-09T10:42:29.902022Z", Error),
        ],
    );
}

#[test]
fn java_layouts() {
    check(
        "header",
        &[
            "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0020_000001",
            "2015-10-18 18:01:52,412 WARN [main] org.apache.hadoop.util.NativeCodeLoader: Unable to load native-hadoop library",
            "2015-10-18 18:10:12,011 FATAL [IPC Server handler 3] org.apache.hadoop.mapred.TaskAttemptListenerImpl: Task: attempt_1 - exited : error",
        ],
        &[
            at("2015-10-18T18:01:47.978Z", Info),
            at("2015-10-18T18:01:52.412Z", Warn),
            at("2015-10-18T18:10:12.011Z", Fatal),
        ],
    );
    // Spark's default log4j layout writes two-digit years.
    check(
        "header",
        &[
            "17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers for [TERM, HUP, INT]",
            "17/06/09 20:11:11 ERROR executor.Executor: Exception in task 1.0 in stage 2.0 (TID 3)",
            "17/06/09 20:11:12 WARN storage.BlockManager: Putting block rdd_2_1 failed",
        ],
        &[
            at("2017-06-09T20:10:40Z", Info),
            at("2017-06-09T20:11:11Z", Error),
            at("2017-06-09T20:11:12Z", Warn),
        ],
    );
    // Zookeeper: the level after a dash.
    check(
        "header",
        &[
            "2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200",
            "2015-07-29 19:04:12,394 - WARN  [RecvWorker:188978561024:QuorumCnxManager$RecvWorker@762] - Connection broken for id 188978561024, my id = 1, error =",
            "2015-07-29 19:04:29,079 - ERROR [SendWorker:188978561024:QuorumCnxManager$SendWorker@679] - Interrupted while waiting for message on queue",
        ],
        &[
            at("2015-07-29T17:41:44.747Z", Info),
            at("2015-07-29T19:04:12.394Z", Warn),
            at("2015-07-29T19:04:29.079Z", Error),
        ],
    );
    // logback's default console pattern has a time of day only: the date is the file's
    // (the day before, for a time later than the file's last change at 12:00).
    check(
        "header",
        &[
            "21:00:00.250 [main] INFO  com.example.App - started in 2.1 s",
            "21:00:03.001 [http-nio-8080-exec-1] ERROR com.example.Api - request failed",
        ],
        &[
            at("2026-11-25T21:00:00.250Z", Info),
            at("2026-11-25T21:00:03.001Z", Error),
        ],
    );
    // java.util.logging's level names.
    check(
        "header",
        &[
            "2026-11-26 21:00:00.000 SEVERE [main] Database unreachable",
            "2026-11-26 21:00:01.000 FINE [main] retrying",
            "2026-11-26 21:00:02.000 INFO [main] connected",
        ],
        &[
            at("2026-11-26T21:00:00Z", Error),
            at("2026-11-26T21:00:01Z", Debug),
            at("2026-11-26T21:00:02Z", Info),
        ],
    );
}

#[test]
fn python_logging() {
    check(
        "header",
        &[
            "2026-11-26 21:00:00,123 - payments.worker - WARNING - retrying charge 3 of 5",
            "2026-11-26 21:00:01,456 - payments.worker - CRITICAL - giving up",
            "2026-11-26 21:00:02,789 - payments.worker - INFO - queue drained",
        ],
        &[
            at("2026-11-26T21:00:00.123Z", Warn),
            at("2026-11-26T21:00:01.456Z", Fatal),
            at("2026-11-26T21:00:02.789Z", Info),
        ],
    );
    // basicConfig's default format has no time: the level alone is read.
    let mut decoder = decoder_for(&["WARNING:root:disk almost full", "ERROR:app.db:timeout"]);
    let shipped = utc("2030-01-01T00:00:00Z");
    let e = decoder.decode(b"WARNING:root:disk almost full", shipped);
    assert_eq!((e.level, e.timestamp), (Warn, shipped));
    assert_eq!(
        decoder.decode(b"ERROR:app.db:timeout", shipped).level,
        Error
    );
}

#[test]
fn go_loggers() {
    check(
        "klog",
        &[
            "I1126 21:00:00.123456   12345 controller.go:117] Starting controller",
            "W1126 21:00:01.000001       7 reflector.go:324] watch of *v1.Pod ended with: too old resource version",
            "E1126 21:00:02.500000       7 leaderelection.go:330] error retrieving resource lock",
        ],
        &[
            with(at("2026-11-26T21:00:00.123456Z", Info), UNKNOWN, UNKNOWN, Some(12345)),
            with(at("2026-11-26T21:00:01.000001Z", Warn), UNKNOWN, UNKNOWN, Some(7)),
            with(at("2026-11-26T21:00:02.5Z", Error), UNKNOWN, UNKNOWN, Some(7)),
        ],
    );
    // zap's console encoder separates with tabs.
    check(
        "header",
        &[
            "2026-11-26T21:00:00.123Z\tINFO\tserver/main.go:42\tlistening\t{\"addr\": \":8080\"}",
            "2026-11-26T21:00:05.000Z\tWARN\tserver/main.go:77\tslow request\t{\"ms\": 812}",
            "2026-11-26T21:00:06.000Z\tDPANIC\tserver/main.go:90\tbad state",
        ],
        &[
            at("2026-11-26T21:00:00.123Z", Info),
            at("2026-11-26T21:00:05Z", Warn),
            at("2026-11-26T21:00:06Z", Info),
        ],
    );
}

#[test]
fn android_logcat() {
    check(
        "logcat",
        &[
            "03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogsopening app wtoken = AppWindowToken{9f4ef63 token=Token{a64f992 ActivityRecord{de9231d u0 com.tencent.qt.qtl/.activity.info.NewsDetailXmlActivity t761}}}",
            "03-17 16:13:38.819  1702  8671 E PowerManagerService: ready=true,policy=3,wakefulness=1",
            "03-17 16:13:38.839  1702  2113 W ActivityManager: Unable to start service Intent",
            "03-17 16:13:38.860  1702  2113 V WindowManager: Skipping AppWindowToken",
        ],
        &[
            with(at("2026-03-17T16:13:38.811Z", Debug), UNKNOWN, "WindowManager", Some(1702)),
            with(at("2026-03-17T16:13:38.819Z", Error), UNKNOWN, "PowerManagerService", Some(1702)),
            with(at("2026-03-17T16:13:38.839Z", Warn), UNKNOWN, "ActivityManager", Some(1702)),
            with(at("2026-03-17T16:13:38.860Z", Trace), UNKNOWN, "WindowManager", Some(1702)),
        ],
    );
    let lines = [
        "I/ActivityManager(  585): Start proc com.android.calendar",
        "E/AndroidRuntime( 1234): FATAL EXCEPTION: main",
    ];
    let mut decoder = decoder_for(&lines);
    assert_eq!(decoder.format.name(), "logcat");
    let e = decoder.decode(lines[1].as_bytes(), utc(REFERENCE));
    assert_eq!((e.level, e.service.as_str()), (Error, "AndroidRuntime"));
    assert_eq!(e.fields["pid"], 1234);
}

#[test]
fn container_runtimes() {
    check(
        "cri",
        &[
            "2016-10-06T00:17:09.669794202Z stdout F The content of the log entry 1",
            "2016-10-06T00:17:09.669794203Z stderr F ERROR something broke",
            "2016-10-06T00:17:10.113242941Z stdout P Second entry, partial",
        ],
        &[
            at("2016-10-06T00:17:09.669794Z", Info),
            at("2016-10-06T00:17:09.669794Z", Error),
            at("2016-10-06T00:17:10.113242Z", Info),
        ],
    );
    let line =
        r#"{"log":"GET /healthz 200\n","stream":"stdout","time":"2019-01-01T11:11:11.111111111Z"}"#;
    let mut decoder = decoder_for(&[line]);
    assert_eq!(decoder.format.name(), "json");
    let e = decoder.decode(line.as_bytes(), utc(REFERENCE));
    assert_eq!(e.timestamp, utc("2019-01-01T11:11:11.111111Z"));
    assert_eq!(e.message, "GET /healthz 200");
    assert_eq!(e.fields["stream"], "stdout");
}

#[test]
fn logfmt_pairs() {
    let lines = [
        r#"time=2026-11-26T21:00:00.5Z level=warn msg="slow query" service=db latency_ms=812 table=orders"#,
        r#"ts=2026-11-26T21:00:01Z lvl=error msg="connection refused" host=db-2 retry=true"#,
    ];
    check(
        "logfmt",
        &lines,
        &[
            with(at("2026-11-26T21:00:00.5Z", Warn), UNKNOWN, "db", None),
            with(at("2026-11-26T21:00:01Z", Error), "db-2", UNKNOWN, None),
        ],
    );
    let mut decoder = decoder_for(&lines);
    let e = decoder.decode(lines[0].as_bytes(), utc(REFERENCE));
    assert_eq!(e.fields["latency_ms"], 812);
    assert_eq!(e.fields["table"], "orders");
}

#[test]
fn date_first_lines_of_assorted_systems() {
    // Windows CBS: the time of day must survive the comma.
    check(
        "header",
        &[
            "2016-09-28 04:30:30, Info                  CBS    Starting TrustedInstaller initialization.",
            "2016-09-28 04:30:31, Error                 CSI    00000003@2016/9/27:20:30:31.463 (F) Failed to open",
            "2016-09-28 04:30:31, Warning               CBS    Failed to get next element",
        ],
        &[
            at("2016-09-28T04:30:30Z", Info),
            at("2016-09-28T04:30:31Z", Error),
            at("2016-09-28T04:30:31Z", Warn),
        ],
    );
    // OpenStack: the first word is a file name with a date of its own.
    check(
        "header",
        &[
            r#"nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] 10.11.10.1 "GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.2477829"#,
            "nova-compute.log.1.2017-05-16_13:55:31 2017-05-16 00:00:04.500 2931 WARNING nova.virt.libvirt.imagecache [req-addc1839-2ed5-4778-b57e-5854eb7b8b09 - - - - -] Unknown base file: /var/lib/nova/instances/_base/a489c868f0c37da93b76227c91bb03908ac0e742",
            "nova-compute.log.1.2017-05-16_13:55:31 2017-05-16 00:00:05.185 2931 ERROR nova.compute.manager [-] Instance failed",
        ],
        &[
            at("2017-05-16T00:00:00.008Z", Info),
            at("2017-05-16T00:00:04.500Z", Warn),
            at("2017-05-16T00:00:05.185Z", Error),
        ],
    );
    // Blue Gene/L RAS: the level is the ninth word, the written time has microseconds.
    check(
        "header",
        &[
            "- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected",
            "- 1117869872 2005.06.04 R23-M1-N8-I:J18-U11 2005-06-04-00.24.32.432192 R23-M1-N8-I:J18-U11 RAS APP FATAL ciod: Error loading /g/g0/amd/xx: invalid or missing program image",
            "KERNDTLB 1118536327 2005.06.11 R30-M0-N9-C:J16-U01 2005-06-11-17.32.07.581048 R30-M0-N9-C:J16-U01 RAS KERNEL FATAL data TLB error interrupt",
            "- 1118685430 2005.06.13 R33-M1-L0 2005-06-13-10.57.10.106466 R33-M1-L0 NULL DISCOVERY WARNING Node card VPD check: U01 node in processor card slot J03 do not match.",
            "- 1117955341 2005.06.05 R33-M0-N9-C:J07-U01 2005-06-05-00.09.01.903510 R33-M0-N9-C:J07-U01 RAS KERNEL SEVERE machine check interrupt",
        ],
        &[
            at("2005-06-03T15:42:50.675872Z", Info),
            at("2005-06-04T00:24:32.432192Z", Fatal),
            at("2005-06-11T17:32:07.581048Z", Fatal),
            at("2005-06-13T10:57:10.106466Z", Warn),
            at("2005-06-05T00:09:01.903510Z", Error),
        ],
    );
    // An app writing `YYYYMMDD-HH:MM:SS:mmm|component|pid|message`.
    check(
        "header",
        &[
            "20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579",
            "20171223-22:15:29:615|Step_StandReportReceiver|30002312|REPORT : 7007 5002 150089 240",
        ],
        &[
            at("2017-12-23T22:15:29.606Z", Info),
            at("2017-12-23T22:15:29.615Z", Info),
        ],
    );
    // HDFS: YYMMDD HHMMSS, a thread number, then the level.
    check(
        "header",
        &[
            "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating",
            "081109 203807 222 WARN dfs.DataNode$DataXceiver: 10.251.30.6:50010:Got exception while serving blk_-2918118818249673980 to /10.251.90.64:",
        ],
        &[at("2008-11-09T20:36:15Z", Info), at("2008-11-09T20:38:07Z", Warn)],
    );
    // Proxifier: month.day without a year, in brackets.
    check(
        "header",
        &[
            "[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS",
            "[10.30 16:49:07] chrome.exe - proxy.cse.cuhk.edu.hk:5070 close, 0 bytes sent, 0 bytes received, lifetime 00:01",
        ],
        &[at("2026-10-30T16:49:06Z", Info), at("2026-10-30T16:49:07Z", Info)],
    );
    // HPC: epoch seconds in the fifth word.
    check(
        "header",
        &[
            "134681 node-246 unix.hw state_change.unavailable 1077804742 1 Component State Change: Component \\042alt0\\042 is in the unavailable state (HWID=1009)",
            "2557 node-70 action start 1074119817 1 clusterAddMember  (command 1902)",
        ],
        &[at("2004-02-26T14:12:22Z", Info), at("2004-01-14T22:36:57Z", Info)],
    );
    // Epoch milliseconds first.
    check(
        "header",
        &["1700000000123 ERROR boom", "1700000000456 INFO ok"],
        &[
            at("2023-11-14T22:13:20.123Z", Error),
            at("2023-11-14T22:13:20.456Z", Info),
        ],
    );
}

#[test]
fn servers_and_databases() {
    // Elasticsearch glues the level to the time.
    check(
        "header",
        &[
            "[2026-11-26T21:00:00,123][INFO ][o.e.n.Node               ] [node-1] started",
            "[2026-11-26T21:00:01,456][WARN ][o.e.c.r.a.DiskThresholdMonitor] [node-1] high disk watermark exceeded",
            "[2026-11-26T21:00:02,789][ERROR][o.e.b.ElasticsearchUncaughtExceptionHandler] [node-1] fatal error",
        ],
        &[
            at("2026-11-26T21:00:00.123Z", Info),
            at("2026-11-26T21:00:01.456Z", Warn),
            at("2026-11-26T21:00:02.789Z", Error),
        ],
    );
    check(
        "header",
        &[
            "2026-11-26 21:00:00.123 UTC [1234] LOG:  database system is ready to accept connections",
            "2026-11-26 21:00:01.000 UTC [1240] ERROR:  relation \"orders\" does not exist at character 15",
            "2026-11-26 21:00:02.000 UTC [1240] FATAL:  password authentication failed for user \"shop\"",
        ],
        &[
            at("2026-11-26T21:00:00.123Z", Info),
            at("2026-11-26T21:00:01Z", Error),
            at("2026-11-26T21:00:02Z", Fatal),
        ],
    );
    check(
        "header",
        &[
            "2026-11-26T21:00:00.123456Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld starting as process 1",
            "2026-11-26T21:00:01.000000Z 0 [Warning] [MY-010068] [Server] CA certificate ca.pem is self signed.",
            "2026-11-26T21:00:02.000000Z 8 [Note] [MY-010914] [Server] Aborted connection 8",
        ],
        &[
            at("2026-11-26T21:00:00.123456Z", Info),
            at("2026-11-26T21:00:01Z", Warn),
            at("2026-11-26T21:00:02Z", Info),
        ],
    );
    // Redis and Tomcat write the day first; Ruby's Logger a letter, then the time.
    check(
        "header",
        &[
            "1:M 26 Nov 2026 21:00:00.123 * Ready to accept connections tcp",
            "1:M 26 Nov 2026 21:00:05.000 # WARNING overcommit_memory is set to 0!",
        ],
        &[
            Expect {
                pid: Some(1),
                ..at("2026-11-26T21:00:00.123Z", Info)
            },
            Expect {
                pid: Some(1),
                ..at("2026-11-26T21:00:05Z", Warn)
            },
        ],
    );
    check(
        "header",
        &[
            "I, [2026-11-26T21:00:00.123456 #1234]  INFO -- : Started GET \"/\" for 127.0.0.1",
            "E, [2026-11-26T21:00:01.000000 #1234] ERROR -- : boom",
        ],
        &[
            at("2026-11-26T21:00:00.123456Z", Info),
            at("2026-11-26T21:00:01Z", Error),
        ],
    );
}

#[test]
fn thunderbird_takes_the_written_time_with_the_year_of_its_date() {
    check(
        "header",
        &[
            "- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root",
            "- 1131566462 2005.11.09 dn261 Nov 9 12:01:02 dn261/dn261 crond[2914]: (root) CMD (run-parts /etc/cron.hourly)",
            "- 1131566462 2005.11.10 tbird-admin1 Nov 10 10:39:42 local@tbird-admin1 postfix/postdrop[10896]: warning: unable to look up public/pickup",
            "- 1131580800 2005.12.31 dn228 Dec 31 23:59:59 dn228/dn228 kernel: the last second of the year",
        ],
        &[
            at("2005-11-09T12:01:01Z", Info),
            at("2005-11-09T12:01:02Z", Info),
            at("2005-11-10T10:39:42Z", Warn),
            at("2005-12-31T23:59:59Z", Info),
        ],
    );
}

#[test]
fn a_date_of_another_day_does_not_lend_its_year() {
    // The second date names another day than the time: the time keeps the file's year.
    check(
        "header",
        &[
            "- 2005.11.09 dn1 Nov 9 12:01:01 first",
            "- 2005.11.09 dn1 Nov 9 12:01:02 second",
            "- 2004.01.01 dn1 Nov 9 12:01:03 third",
        ],
        &[
            at("2005-11-09T12:01:01Z", Info),
            at("2005-11-09T12:01:02Z", Info),
            at("2026-11-09T12:01:03Z", Info),
        ],
    );
}

#[test]
fn stack_traces_do_not_hide_the_format() {
    let lines = [
        "2026-11-26 21:00:00,001 ERROR [main] com.example.Job: failed",
        "java.lang.IllegalStateException: boom",
        "\tat com.example.Job.run(Job.java:42)",
        "\tat java.base/java.lang.Thread.run(Thread.java:833)",
        "2026-11-26 21:00:01,002 INFO [main] com.example.Job: retrying",
    ];
    let mut decoder = decoder_for(&lines);
    assert_eq!(decoder.format.name(), "header");
    let shipped = utc("2030-01-01T00:00:00Z");
    let events: Vec<_> = lines
        .iter()
        .map(|l| decoder.decode(l.as_bytes(), shipped))
        .collect();
    assert_eq!(events[0].level, Error);
    assert!(events[2].unparsed && events[2].timestamp == shipped);
    assert_eq!(events[4].timestamp, utc("2026-11-26T21:00:01.002Z"));
    assert_eq!(decoder.unmatched, 3);
}

#[test]
fn overrides() {
    let sample = b"26.11.2026 21:00:00 WARN disk\n";
    let format = detect(sample, FormatChoice::Auto, Some("%d.%m.%Y %H:%M:%S"));
    let mut decoder = LineDecoder::new(
        format,
        Clock {
            zone: Zone::Fixed(3600),
            reference: utc(REFERENCE),
        },
    );
    let e = decoder.decode(b"26.11.2026 21:00:00 WARN disk", utc(REFERENCE));
    assert_eq!(e.timestamp, utc("2026-11-26T20:00:00Z"));
    assert_eq!(e.level, Warn);
    let no_year = detect(sample, FormatChoice::Auto, Some("%d/%b %H:%M"));
    let mut decoder = LineDecoder::new(
        no_year,
        Clock {
            zone: Zone::Utc,
            reference: utc(REFERENCE),
        },
    );
    let e = decoder.decode(b"[26/Nov 21:07] started", utc(REFERENCE));
    assert_eq!(e.timestamp, utc("2026-11-26T21:07:00Z"));
    // Forcing a format that does not fit flags every line instead of guessing.
    let forced = detect(sample, FormatChoice::Syslog, None);
    let mut decoder = LineDecoder::new(
        forced,
        Clock {
            zone: Zone::Utc,
            reference: utc(REFERENCE),
        },
    );
    assert!(
        decoder
            .decode(b"26.11.2026 21:00:00 WARN disk", utc(REFERENCE))
            .unparsed
    );
}

#[test]
fn a_byte_order_mark_does_not_hide_the_first_header() {
    let first = "\u{FEFF}2026-11-26 21:00:00,001 ERROR [main] boom";
    let mut decoder = decoder_for(&[first, "2026-11-26 21:00:01,002 INFO [main] ok"]);
    let e = decoder.decode(first.as_bytes(), utc(REFERENCE));
    assert_eq!(e.timestamp, utc("2026-11-26T21:00:00.001Z"));
    assert_eq!(e.level, Error);
}

#[test]
fn unknown_text_is_flagged_and_keeps_the_shipped_time() {
    let mut decoder = decoder_for(&["hello world", "another plain line"]);
    assert_eq!(decoder.format.name(), "raw");
    let shipped = utc("2030-01-01T00:00:00Z");
    let e = decoder.decode(b"hello world", shipped);
    assert!(e.unparsed);
    assert_eq!(e.timestamp, shipped);
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn formats() -> Vec<Format> {
        vec![
            Format::Logfmt,
            Format::Syslog,
            Format::Rfc5424,
            Format::Access,
            Format::Logcat,
            Format::Klog,
            Format::Cri,
            Format::Header(Layout {
                time: Some((1, TimeKind::YearFirst)),
                level: Some(3),
                year: None,
                redis_marks: false,
                letter_level: false,
            }),
            Format::Header(Layout {
                time: Some((3, TimeKind::MonthName)),
                level: None,
                year: Some(1),
                redis_marks: false,
                letter_level: false,
            }),
            Format::Custom("%Y-%m-%d %H:%M:%S".into()),
            Format::W3c(vec![
                "date".into(),
                "time".into(),
                "sc-status".into(),
                "cs-uri-stem".into(),
            ]),
            Format::Prefixed(Box::new(crate::format::Prefixed {
                prefix: crate::format::Prefix::Compose,
                default: Format::Syslog,
                services: vec![("api-1".into(), Format::Json)],
            })),
            Format::Prefixed(Box::new(crate::format::Prefixed {
                prefix: crate::format::Prefix::Kubectl,
                default: Format::Logfmt,
                services: Vec::new(),
            })),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn prefixed_bytes(
            prefix in r"(api-1  \| |\[pod/p-1/c\] |x \| )",
            line in prop::collection::vec(any::<u8>(), 0..120),
        ) {
            let mut bytes = prefix.into_bytes();
            bytes.extend_from_slice(&line);
            for format in formats() {
                let _ = format.starts_entry(&bytes);
                let mut decoder = LineDecoder::new(format, Clock { zone: Zone::Utc, reference: utc(REFERENCE) });
                let _ = decoder.decode(&bytes, utc(REFERENCE));
            }
        }

        #[test]
        fn arbitrary_bytes(line in prop::collection::vec(any::<u8>(), 0..300)) {
            for format in formats() {
                let _ = format.starts_entry(&line);
                let mut decoder = LineDecoder::new(format, Clock { zone: Zone::Local, reference: utc(REFERENCE) });
                let event = decoder.decode(&line, utc(REFERENCE));
                prop_assert!(!event.message.is_empty() || line.iter().all(|b| *b == b'\n' || *b == b'\r') || line.is_empty());
            }
            let _ = detect(&line, FormatChoice::Auto, None);
        }

        #[test]
        fn escapes_before_wide_characters(line in r#"[a-z]{1,3}="?(\\[é€😀a"]|[a-z é"])*"?( [a-z]=[0-9])*"#) {
            for format in formats().into_iter().filter(|f| !matches!(f, Format::Prefixed(_))) {
                let mut decoder = LineDecoder::new(format, Clock { zone: Zone::Utc, reference: utc(REFERENCE) });
                let event = decoder.decode(line.as_bytes(), utc(REFERENCE));
                prop_assert_eq!(event.message, line.clone());
            }
        }

        #[test]
        fn log_like_text(line in r"(<[0-9]{1,4}>)?[0-9A-Za-z:./ \[\]|=-]{0,80}") {
            let _ = detect(line.as_bytes(), FormatChoice::Auto, None);
            // Behind a prefix, the message is the line after it (the prefix is the service).
            for format in formats().into_iter().filter(|f| !matches!(f, Format::Prefixed(_))) {
                let mut decoder = LineDecoder::new(format, Clock { zone: Zone::Utc, reference: utc(REFERENCE) });
                let event = decoder.decode(line.as_bytes(), utc(REFERENCE));
                prop_assert_eq!(event.message, line.trim_end_matches(['\n', '\r']));
            }
        }

        /// Whatever the bytes, an event's time is read from the line or says what was
        /// not: the shipping time only ever comes flagged `received`, and a time read
        /// from the line is never the shipping time passed off.
        #[test]
        fn times_are_read_or_flagged(line in r"(<[0-9]{1,3}>)?([0-9]{1,4}[-/:. T,]){0,8}[A-Za-zéû]{0,5}[ 0-9:.,+-]{0,20}[A-Z]{0,4} [a-z=0-9 ]{0,20}") {
            let shipped = utc("2099-01-01T00:00:00Z");
            let sample = format!("{line}\n{line}\n");
            let detected = detect(sample.as_bytes(), FormatChoice::Auto, None);
            for format in formats().into_iter().chain([detected]) {
                let mut decoder = LineDecoder::new(format.clone(), Clock { zone: Zone::Utc, reference: utc(REFERENCE) });
                let event = decoder.decode(line.as_bytes(), shipped);
                let received = event.time_from == crate::event::TimeFrom::Received;
                prop_assert_eq!(received, event.timestamp == shipped, "{:?} {:?}: {:?}", format, line, event);
            }
        }
    }
}

#[test]
fn header_fields_follow_the_line_whatever_the_event_held() {
    use serde_json::json;
    let map = |v: serde_json::Value| v.as_object().cloned().unwrap();
    let held = [
        json!({}),
        json!({"pid": 5}),
        json!({"status": 200, "pid": 5}),
        json!({"status": 200}),
        json!({"pid": "not a number"}),
    ];
    let lines = [
        (json!({}), None, json!({})),
        (json!({}), Some(7), json!({"pid": 7})),
        (json!({"status": 404}), None, json!({"status": 404})),
        (
            json!({"status": 404}),
            Some(9),
            json!({"status": 404, "pid": 9}),
        ),
    ];
    for before in &held {
        for (own, pid, expected) in &lines {
            let mut fields = map(before.clone());
            set_header_fields(&mut fields, map(own.clone()), *pid);
            assert_eq!(fields, map(expected.clone()), "after {before}");
        }
    }
}

#[test]
fn detection_reads_entry_lines_only() {
    // A time and a level, then pairs: the header's time, not logfmt without one.
    let pairs = [
        "2026-12-07 08:00:00.001 WARN svc-1 seq=1 user=u1",
        "2026-12-07 08:00:00.002 INFO svc-1 seq=2 user=u2",
    ];
    check(
        "header",
        &pairs,
        &[
            at("2026-12-07T08:00:00.001Z", Level::Warn),
            at("2026-12-07T08:00:00.002Z", Level::Info),
        ],
    );
    // W3C directives, and a file that begins with the rest of an entry cut off.
    let lines = [
        "#Software: Microsoft Internet Information Services 10.0",
        "#Version: 1.0",
        "#Date: 2026-11-26 21:00:00",
        "#Fields: date time s-ip cs-method cs-uri-stem sc-status",
        "\tat com.shop.Pool.take(Pool.java:88)",
        "    at com.shop.Pool.take(Pool.java:89)",
        "2026-11-26 21:00:01 10.0.0.1 GET /index.html 200",
        "2026-11-26 21:00:02 10.0.0.1 GET /missing 404",
    ];
    let mut decoder = decoder_for(&lines);
    assert_eq!(decoder.format.name(), "w3c", "{:?}", decoder.format);
    let event = decoder.decode(lines[7].as_bytes(), utc("2030-01-01T00:00:00Z"));
    assert_eq!(event.level, Level::Warn);
    assert_eq!(
        event.fields.get("path"),
        Some(&serde_json::json!("/missing"))
    );
    // Without the directive, the lines still have their time.
    let mut bare = lines.to_vec();
    bare.retain(|l| !l.starts_with("#Fields"));
    assert_eq!(decoder_for(&bare).format.name(), "header");
}

#[test]
fn entry_starts_follow_the_format() {
    use crate::source::{Entries, EntryStart};
    let lines = [
        "2026-11-26 21:00:00,001 ERROR [main] boom",
        "java.lang.IllegalStateException: boom",
        "\tat a.b(C.java:1)",
        "Caused by: x",
        "2026-11-26 21:00:01,001 INFO [main] fine",
    ];
    let decoder = decoder_for(&lines);
    let mut entries = Entries::new(EntryStart::for_format(&decoder.format));
    let mut out: Vec<Vec<u8>> = Vec::new();
    for line in lines {
        out.extend(entries.push(line.as_bytes(), 0).map(|e| e.into_owned()));
    }
    out.extend(entries.finish());
    assert_eq!(out.len(), 2);
    assert!(out[0].ends_with(b"Caused by: x"));
    // A JSON object on its own line is an entry in a text file too.
    assert!(decoder
        .format
        .starts_entry(br#"{"level":"warn","msg":"json line"}"#));
    assert!(!decoder.format.starts_entry(b"{ not closed"));
    // JSON lines and raw text are each an entry.
    assert!(!Entries::new(EntryStart::for_format(&Format::Json)).joins());
    assert!(!Entries::new(EntryStart::for_format(&Format::Raw)).joins());
}

#[test]
fn headers_between_colons_bars_and_quotes() {
    check(
        "header",
        &[
            "MainThread::INFO::2011-12-05 07:04:56,101::hosted_engine::start::agent started",
            "MainThread::ERROR::2011-12-05 07:04:57,202::hosted_engine::check::engine down",
        ],
        &[
            at("2011-12-05T07:04:56.101Z", Level::Info),
            at("2011-12-05T07:04:57.202Z", Level::Error),
        ],
    );
    check(
        "header",
        &[
            "20171224-1:2:35:789|Step_LSC|30002312|onStandStepChanged 3579",
            "20171224-1:2:36:12|Step_SPUtils|30002312| getTodayTotalDetailSteps = 1514038440000##7007",
        ],
        &[
            at("2017-12-24T01:02:35.789Z", Level::Info),
            at("2017-12-24T01:02:36.120Z", Level::Info),
        ],
    );
    check(
        "header",
        &[
            "\"2014-06-15 01:04:52\",\"INFO\",\"job started\"",
            "\"2014-06-15 01:04:53\",\"ERROR\",\"job failed\"",
        ],
        &[
            at("2014-06-15T01:04:52Z", Level::Info),
            at("2014-06-15T01:04:53Z", Level::Error),
        ],
    );
    check(
        "header",
        &[
            "2017-07-31 13:36:42.585 CEST [1] LOG:  database system is ready",
            "2017-07-31 13:36:43.001 CEST [7] ERROR:  relation \"x\" does not exist",
        ],
        &[
            at("2017-07-31T11:36:42.585Z", Level::Info),
            at("2017-07-31T11:36:43.001Z", Level::Error),
        ],
    );
}

#[test]
fn a_level_is_a_whole_word_never_part_of_a_name() {
    use crate::event::infer_level;
    assert_eq!(
        infer_level("status installed libgpg-error-dev:amd64 1.47-3"),
        None
    );
    assert_eq!(infer_level("upgrade liberror-perl:all 0.17029-2"), None);
    assert_eq!(
        infer_level("[error] upstream timed out"),
        Some(Level::Error)
    );
    assert_eq!(infer_level("level=warn msg=slow"), Some(Level::Warn));
    assert_eq!(infer_level("ERROR: boom"), Some(Level::Error));
    assert_eq!(infer_level("<warn> disk"), Some(Level::Warn));
    // A line in a format: only where its message starts (after a program's tag too).
    use crate::event::leading_level;
    assert_eq!(
        leading_level("authentication failure; logname= uid=0"),
        None
    );
    assert_eq!(
        leading_level("error: kex_exchange_identification"),
        Some(Level::Error)
    );
    assert_eq!(
        leading_level("local@h postfix/postdrop[1]: warning: x"),
        Some(Level::Warn)
    );
    check(
        "syslog",
        &[
            "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0",
            "Jun 14 15:16:02 combo sshd[19939]: error: kex_exchange_identification: closed",
        ],
        &[
            Expect {
                host: "combo",
                service: "sshd(pam_unix)",
                pid: Some(19939),
                ..at("2026-06-14T15:16:01Z", Level::Info)
            },
            Expect {
                host: "combo",
                service: "sshd",
                pid: Some(19939),
                ..at("2026-06-14T15:16:02Z", Level::Error)
            },
        ],
    );
}

#[test]
fn prefixed_lines_name_the_service_and_keep_each_services_format() {
    let lines = [
        r#"caddy-1  | {"level":"info","ts":1700000000.5,"logger":"http","msg":"server running"}"#,
        "api-1    | 2026-11-26 21:00:00,001 ERROR [main] com.shop.Api - request failed",
        r#"caddy-1  | {"level":"error","ts":1700000001.5,"logger":"http","msg":"upstream down"}"#,
        "api-1    | 2026-11-26 21:00:02,001 INFO [main] com.shop.Api - ok",
    ];
    let mut decoder = decoder_for(&lines);
    assert_eq!(decoder.format.describe(), "compose (header; caddy-1: json)");
    let shipped = utc("2030-01-01T00:00:00Z");
    let read: Vec<_> = lines
        .iter()
        .map(|l| decoder.decode(l.as_bytes(), shipped))
        .collect();
    assert_eq!(read[0].service, "caddy-1");
    assert_eq!(read[0].message, "server running");
    assert_eq!(read[0].timestamp, utc("2023-11-14T22:13:20.500Z"));
    assert_eq!(read[1].service, "api-1");
    assert_eq!(read[1].level, Level::Error);
    assert_eq!(read[1].timestamp, utc("2026-11-26T21:00:00.001Z"));
    assert!(read.iter().all(|e| !e.unparsed && e.time_from.is_exact()));
    let lines = [
        "[pod/api-7d9f/app] 2026-11-26 21:00:00.001 INFO started",
        "[pod/web-1a2b/nginx] 2026-11-26 21:00:02.003 WARN slow",
    ];
    let mut decoder = decoder_for(&lines);
    let event = decoder.decode(lines[1].as_bytes(), shipped);
    assert_eq!(
        (event.service.as_str(), event.host.as_str()),
        ("nginx", "web-1a2b")
    );
    assert_eq!(event.level, Level::Warn);
}

#[test]
fn redis_marks_are_levels() {
    let lines = [
        "4961:M 30 May 12:50:13.463 # Server initialized",
        "4961:M 30 May 12:50:13.464 * Ready to accept connections",
        "4961:S 30 May 12:50:14.001 . 0 clients connected (0 replicas)",
        "4961:C 30 May 12:50:15.002 - Accepted 127.0.0.1:51234",
    ];
    check(
        "header",
        &lines,
        &[
            ("2026-05-30T12:50:13.463Z", Level::Warn),
            ("2026-05-30T12:50:13.464Z", Level::Info),
            ("2026-05-30T12:50:14.001Z", Level::Debug),
            ("2026-05-30T12:50:15.002Z", Level::Trace),
        ]
        .map(|(time, level)| Expect {
            pid: Some(4961),
            ..at(time, level)
        }),
    );
    let mut decoder = decoder_for(&lines);
    let event = decoder.decode(lines[0].as_bytes(), utc("2030-01-01T00:00:00Z"));
    assert_eq!(event.fields.get("pid"), Some(&serde_json::json!(4961)));
    assert_eq!(event.time_from, crate::event::TimeFrom::YearAssumed);
}

#[test]
fn a_capital_letter_after_the_time_is_the_level_where_lines_write_it_so() {
    check(
        "header",
        &[
            "2026-11-26T21:00:00.123+0000 I NETWORK  [conn1] end connection 127.0.0.1:5000",
            "2026-11-26T21:00:01.123+0000 W STORAGE  [initandlisten] Detected data files",
            "2026-11-26T21:00:02.123+0000 E QUERY    [conn2] assertion failed",
            "2026-11-26T21:00:03.123+0000 D2 COMMAND  [conn2] run command",
        ],
        &[
            at("2026-11-26T21:00:00.123Z", Level::Info),
            at("2026-11-26T21:00:01.123Z", Level::Warn),
            at("2026-11-26T21:00:02.123Z", Level::Error),
            at("2026-11-26T21:00:03.123Z", Level::Debug),
        ],
    );
}

#[test]
fn an_xml_body_at_the_top_does_not_decide_the_format() {
    let mut lines = vec![
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "<order id=\"7\">",
        "  <item sku=\"a\"/>",
        "  <item sku=\"b\"/>",
        "  <item sku=\"c\"/>",
        "</order>",
        "<!-- end -->",
    ];
    lines.extend([
        "2026-11-26 21:00:00,001 INFO [main] parsed order 7",
        "2026-11-26 21:00:01,001 WARN [main] order 7 has no customer",
    ]);
    let mut decoder = decoder_for(&lines);
    assert_eq!(decoder.format.name(), "header", "{:?}", decoder.format);
    let event = decoder.decode(lines[8].as_bytes(), utc("2030-01-01T00:00:00Z"));
    assert_eq!(event.level, Level::Warn);
    assert_eq!(event.timestamp, utc("2026-11-26T21:00:01.001Z"));
}
