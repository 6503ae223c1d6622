//! Grouping accuracy on hand-labelled samples of several formats: a line counts as right
//! when its pattern holds exactly the lines of its true template.

use super::*;
use crate::event::Level;
use std::collections::BTreeSet;

fn event(service: &str, message: &str) -> LogEvent {
    LogEvent::new(Timestamp(0), Level::Info, service, "h", message)
}

/// (true template label, line) pairs, as a service would write them.
fn grouping_accuracy(service: &str, labelled: &[(usize, String)]) -> f64 {
    let events: Vec<LogEvent> = labelled.iter().map(|(_, l)| event(service, l)).collect();
    let mined = mine(&events, 10);
    let members = |of: &dyn Fn(usize) -> usize, i: usize| -> BTreeSet<usize> {
        (0..labelled.len()).filter(|&j| of(j) == of(i)).collect()
    };
    let right = (0..labelled.len())
        .filter(|&i| members(&|j| mined.of_event[j], i) == members(&|j| labelled[j].0, i))
        .count();
    right as f64 / labelled.len() as f64
}

fn hdfs() -> Vec<(usize, String)> {
    (0..200)
        .map(|i| match i % 4 {
            0 => (0, format!("081109 2036{:02} {} INFO dfs.DataNode$PacketResponder: PacketResponder {} for block blk_{}{} terminating", i % 60, 100 + i, i % 3, if i % 2 == 0 { "-" } else { "" }, 38865049064139660u64 + i as u64)),
            1 => (1, format!("081109 2036{:02} {} INFO dfs.DataNode$DataXceiver: Receiving block blk_{} src: /10.250.{}.{}:54106 dest: /10.250.{}.{}:50010", i % 60, 100 + i, 7000000 + i, i % 200, i % 50, i % 90, i % 30)),
            2 => (2, format!("081109 2036{:02} {} INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.251.{}.{}:50010 is added to blk_{} size {}", i % 60, 100 + i, i % 100, i % 70, 9000000 + i, 67108864 - i)),
            _ => (3, format!("081109 2036{:02} {} WARN dfs.DataNode$DataXceiver: 10.251.{}.{}:50010:Got exception while serving blk_{} to /10.251.{}.{}:", i % 60, 100 + i, i % 100, i % 70, 5000 + i, i % 80, i % 60)),
        })
        .collect()
}

fn sshd() -> Vec<(usize, String)> {
    let users = ["root", "admin", "oracle", "test", "webmaster"];
    (0..200)
        .map(|i| {
            let user = users[i % users.len()];
            match i % 5 {
                0 => (0, format!("Dec 10 06:55:{:02} LabSZ sshd[{}]: Invalid user {user} from 173.234.31.{}", i % 60, 24200 + i, i % 250)),
                1 => (1, format!("Dec 10 06:55:{:02} LabSZ sshd[{}]: Failed password for invalid user {user} from 173.234.31.{} port {} ssh2", i % 60, 24200 + i, i % 250, 40000 + i)),
                2 => (2, format!("Dec 10 06:55:{:02} LabSZ sshd[{}]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=173.234.31.{}  user={user}", i % 60, 24200 + i, i % 250)),
                3 => (3, format!("Dec 10 06:55:{:02} LabSZ sshd[{}]: Received disconnect from 173.234.31.{}: 11: Bye Bye [preauth]", i % 60, 24200 + i, i % 250)),
                _ => (4, format!("Dec 10 06:55:{:02} LabSZ sshd[{}]: Connection closed by 173.234.31.{} [preauth]", i % 60, 24200 + i, i % 250)),
            }
        })
        .collect()
}

fn spark() -> Vec<(usize, String)> {
    (0..200)
        .map(|i| match i % 4 {
            0 => (0, format!("17/06/09 20:10:{:02} INFO executor.Executor: Running task {}.0 in stage {}.0 (TID {})", i % 60, i % 7, i % 3, i)),
            1 => (1, format!("17/06/09 20:10:{:02} INFO executor.Executor: Finished task {}.0 in stage {}.0 (TID {}). {} bytes result sent to driver", i % 60, i % 7, i % 3, i, 2000 + i)),
            2 => (2, format!("17/06/09 20:10:{:02} INFO storage.BlockManager: Found block rdd_{}_{} locally", i % 60, i % 5, i % 9)),
            _ => (3, format!("17/06/09 20:10:{:02} INFO storage.MemoryStore: Block broadcast_{} stored as values in memory (estimated size {}.0 KB, free {}.{} MB)", i % 60, i, 10 + i % 9, 300 + i, i % 10)),
        })
        .collect()
}

#[test]
fn headers_are_left_out_and_templates_found() {
    for (name, sample) in [("hdfs", hdfs()), ("sshd", sshd()), ("spark", spark())] {
        let accuracy = grouping_accuracy(name, &sample);
        assert!(accuracy >= 0.99, "{name}: grouping accuracy {accuracy}");
    }
}

#[test]
fn patterns_count_share_and_trend() {
    let events: Vec<LogEvent> = (0..100)
        .map(|i| {
            let mut e = event(
                "api",
                &if i < 70 {
                    format!("GET /api/v1/products/{i} 200 {i}ms")
                } else {
                    format!("payment declined for order {i}: card expired")
                },
            );
            e.timestamp = Timestamp(i as i64 * 1_000_000);
            e
        })
        .collect();
    let mined = mine(&events, 4);
    assert_eq!(mined.patterns.len(), 2);
    let top = &mined.patterns[0];
    assert_eq!(top.count, 70);
    assert_eq!(top.template, "GET <PATH> <NUM> <DURATION>");
    assert_eq!(top.example, "GET /api/v1/products/0 200 0ms");
    assert_eq!(top.trend.iter().sum::<u64>(), 70);
    assert_eq!(top.first_seen, Timestamp(0));
    let second = &mined.patterns[1];
    assert_eq!(
        second.template,
        "payment declined for order <NUM>: card expired"
    );
    assert_eq!(second.trend, vec![0, 0, 5, 25]);
    assert_eq!(mined.of_event[0], 0);
    assert_eq!(mined.of_event[99], 1);
    assert_eq!(top.id, pattern_id(&top.template));
}

/// Request lines in quotes (method and protocol constant, path and numbers variable) and
/// lists of any length, as web servers and Android services write them.
fn quoted_and_lists() -> Vec<(usize, String)> {
    let methods = ["GET", "POST", "DELETE"];
    (0..240)
        .map(|i| {
            let method = methods[i % 3];
            match i % 4 {
                // One template per method: the label says GET and DELETE differ.
                0 | 1 => (
                    i % 3,
                    format!("handled \"{method} /api/items/{i} HTTP/1.1\" {} in {}ms", 200 + i % 3, i),
                ),
                2 => {
                    let list: Vec<String> = (1..=(1 + i % 40)).map(|n| n.to_string()).collect();
                    (3, format!("Supported channels {}", list.join(" ")))
                }
                _ => (4, format!("user agent \"Mozilla/5.0 (X11; Linux x86_64) Gecko/{i} Firefox/{i}.0\" seen")),
            }
        })
        .collect()
}

#[test]
fn quoted_request_lines_are_read_word_by_word_and_lists_are_one_pattern() {
    let accuracy = grouping_accuracy("web", &quoted_and_lists());
    assert!(accuracy >= 0.99, "grouping accuracy {accuracy}");
    let templates: Vec<String> = tokens("ok \"GET /a/b HTTP/1.1\" 1 2 3 x")
        .into_iter()
        .map(|t| t.into_owned())
        .collect();
    assert_eq!(templates, ["ok", "\"GET", "<PATH>", "<*>\"", "<NUM>…", "x"]);
}

/// Hadoop's layout: time, level, then a thread in brackets and a logger before the message;
/// the thread and the logger vary while the message does not.
fn hadoop() -> Vec<(usize, String)> {
    let threads = [
        "main",
        "RMCommunicator Allocator",
        "IPC Server handler 3 on 8020",
        "AsyncDispatcher event handler",
    ];
    let loggers = [
        "org.apache.hadoop.mapreduce.v2.app.MRAppMaster",
        "org.apache.hadoop.ipc.Client",
        "org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator",
    ];
    (0..240)
        .map(|i| {
            let head = format!("2015-10-18 18:01:{:02},{:03} INFO [{}] {}:", i % 60, i % 1000, threads[i % 4], loggers[i % 3]);
            match i % 3 {
                0 => (0, format!("{head} Created MRAppMaster for application appattempt_1445144423722_00{:02}_000001", i % 50)),
                1 => (1, format!("{head} Retrying connect to server: msra-sa-41/10.190.173.170:{}. Already tried {} time(s)", 9000 + i % 5, i % 9)),
                _ => (2, format!("{head} Recalculating schedule, headroom=<memory:{}, vCores:-{}>", i * 10, i % 7)),
            }
        })
        .collect()
}

#[test]
fn threads_and_loggers_are_header_not_message() {
    let accuracy = grouping_accuracy("hadoop", &hadoop());
    assert!(accuracy >= 0.99, "grouping accuracy {accuracy}");
    assert_eq!(
        past_thread_and_logger("[req-6a7c 113d - - -] nova.api: GET /servers"),
        "GET /servers"
    );
    assert_eq!(past_thread_and_logger("[preauth]"), "[preauth]");
    assert_eq!(
        past_thread_and_logger("1.2.3: not a logger"),
        "1.2.3: not a logger"
    );
}

/// HealthApp's layout: `time|component|pid|message`, messages of one `key=value` or
/// `key = value` among short ones.
fn healthapp() -> Vec<(usize, String)> {
    (0..250)
        .map(|i| {
            let t = format!(
                "20171223-22:{:02}:{:02}:{:03}",
                15 + i / 60 % 40,
                i % 60,
                i % 1000
            );
            let days = format!(
                "{}##{}##548365##8661##12361##27173954",
                1514038440000u64 + i as u64,
                7007 + i
            );
            match i % 5 {
                0 => (
                    0,
                    format!("{t}|Step_LSC|30002312|onStandStepChanged {}", 3579 + i),
                ),
                1 => (
                    1,
                    format!("{t}|Step_SPUtils|30002312|setTodayTotalDetailSteps={days}"),
                ),
                2 => (
                    2,
                    format!("{t}|Step_SPUtils|30002312| getTodayTotalDetailSteps = {days}"),
                ),
                3 => (
                    3,
                    format!(
                        "{t}|Step_ExtSDM|30002312|calculateCaloriesWithCache totalCalories={}",
                        126775 + i
                    ),
                ),
                _ => (
                    4,
                    format!(
                        "{t}|Step_StandReportReceiver|30002312|REPORT : {} 5002 150089 240",
                        7007 + i
                    ),
                ),
            }
        })
        .collect()
}

#[test]
fn fields_joined_by_bars_are_header_and_one_key_value_keeps_its_key() {
    let accuracy = grouping_accuracy("healthapp", &healthapp());
    assert!(accuracy >= 0.99, "grouping accuracy {accuracy}");
}

/// OpenStack's layout: time, pid, level, a logger, then a bracketed request context that
/// differs on every line, before the message.
fn openstack() -> Vec<(usize, String)> {
    (0..240)
        .map(|i| {
            let head = format!(
                "2017-05-16 00:00:{:02}.{:03} {} INFO nova.osapi_compute.wsgi.server [req-{:08x}-2096-447d-96ea-a692162415ae 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -]",
                i % 60, i % 1000, 25746 + i % 3, 0x38101a0b + i
            );
            match i % 3 {
                0 => (0, format!("{head} 10.11.10.1 \"GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1\" status: 200 len: {} time: 0.{}", 1800 + i, 2477829 + i)),
                1 => (1, format!("{head} 10.11.10.1 \"POST /v2/54fadb412c4e40cdbaed9335e4c35a9e/os-server-external-events HTTP/1.1\" status: 200 len: {} time: 0.{}", 380 + i, 877 + i)),
                _ => (2, format!("{head} 10.11.10.1 \"DELETE /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/{:08x}-8d9c-4b7e HTTP/1.1\" status: 204 len: 203 time: 0.{}", i, 200 + i)),
            }
        })
        .collect()
}

#[test]
fn a_logger_before_a_request_context_is_header() {
    let accuracy = grouping_accuracy("nova", &openstack());
    assert!(accuracy >= 0.99, "grouping accuracy {accuracy}");
}

/// One first line failing in two ways (a null pointer in the mapper, a timeout in the
/// client), each repeated with different line numbers and ids; a Python traceback too.
fn traces() -> Vec<(usize, String)> {
    (0..200)
        .map(|i| match i % 4 {
            0 => (0, format!("unhandled exception rendering profile u{i}\njava.lang.NullPointerException: Cannot invoke \"Address.getCountry()\"\n\tat com.shop.users.ProfileMapper.toDto(ProfileMapper.java:{})\n\tat com.shop.users.UserController.profile(UserController.java:71)", 30 + i % 5)),
            1 => (1, format!("unhandled exception rendering profile u{i}\njava.net.SocketTimeoutException: Read timed out after {i}ms\n\tat com.shop.http.Client.get(Client.java:{})\n\tat com.shop.users.UserController.profile(UserController.java:64)", 100 + i % 7)),
            2 => (2, format!("unhandled exception rendering profile u{i}\nCaused by: java.net.SocketTimeoutException: connect timed out\n\tat com.shop.db.Pool.borrow(Pool.java:{})", 10 + i % 3)),
            _ => (3, format!("checkout failed for order {i}\nTraceback (most recent call last):\n  File \"app/views.py\", line {}, in checkout\n    total = cart.total()\n  File \"app/cart.py\", line {}, in total\n    return sum(p.price for p in self.items)\nTypeError: unsupported operand type(s)", 40 + i % 9, 12 + i % 4)),
        })
        .collect()
}

#[test]
fn a_stack_trace_is_its_exception_and_the_frame_that_threw_it() {
    let accuracy = grouping_accuracy("users", &traces());
    assert!(accuracy >= 0.99, "grouping accuracy {accuracy}");
    assert_eq!(
        trace_signature("x\njava.lang.IllegalStateException: no\n\tat a.B.c(B.java:3)").as_deref(),
        Some("⟦java.lang.IllegalStateException@a.B.c⟧")
    );
    assert_eq!(trace_signature("one line"), None);
    assert_eq!(trace_signature("two\nplain lines"), None);
}

/// Proxifier's layout: `[MM.DD HH:MM:SS] program[ *64] - message`, the program varying.
fn proxifier() -> Vec<(usize, String)> {
    let programs = [
        "chrome.exe",
        "chrome.exe *64",
        "Dropbox.exe",
        "svchost.exe *64",
    ];
    (0..200)
        .map(|i| {
            let head = format!("[10.30 16:{:02}:{:02}] {} -", i % 60, (i * 7) % 60, programs[i % 4]);
            match i % 2 {
                0 => (0, format!("{head} proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS")),
                // Proxifier adds the size in KB past 1 KB and says `<1 sec` for a short
                // connection: one message whose number of words varies with its values.
                _ => {
                    let sent = [format!("{} bytes", 200 + i), format!("{} bytes ({}.{} KB)", 1100 + i, 1 + i % 9, i % 10)];
                    let received = [format!("{} bytes ({} KB)", 200_000 + i, 195 + i), format!("{} bytes", 300 + i)];
                    let lifetime = if i % 3 == 0 { "<1 sec".to_string() } else { format!("{:02}:{:02}", i % 60, i % 9) };
                    (1, format!("{head} proxy.cse.cuhk.edu.hk:5070 close, {} sent, {} received, lifetime {lifetime}", sent[i / 2 % 2], received[i / 4 % 2]))
                }
            }
        })
        .collect()
}

#[test]
fn a_program_before_the_message_is_header() {
    let accuracy = grouping_accuracy("proxifier", &proxifier());
    assert!(accuracy >= 0.99, "grouping accuracy {accuracy}");
}

/// ZooKeeper's layout: `time - LEVEL  [thread:class@line] - message`, the thread holding
/// brackets of its own (`QuorumPeer[myid=1]`) on some lines only.
fn zookeeper() -> Vec<(usize, String)> {
    let threads = [
        "QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774",
        "WorkerSender[myid=3]:QuorumCnxManager@368",
        "/10.10.34.11:3888:QuorumCnxManager$Listener@493",
        "SendWorker:188978561024:QuorumCnxManager$SendWorker@679",
    ];
    (0..240)
        .map(|i| {
            let head = format!(
                "2015-07-29 17:41:{:02},{:03} - INFO  [{}] -",
                i % 60,
                i % 1000,
                threads[i % 4]
            );
            match i % 3 {
                0 => (
                    0,
                    format!("{head} Notification time out: {}", 3200 * (1 + i % 5)),
                ),
                1 => (
                    1,
                    format!("{head} Interrupted while waiting for message on queue"),
                ),
                _ => (
                    2,
                    format!(
                        "{head} Cannot open channel to {} at election address /10.10.34.{}:3888",
                        i % 3 + 1,
                        11 + i % 3
                    ),
                ),
            }
        })
        .collect()
}

/// Thunderbird's layout: the alert, epoch and date, then a syslog line as a relay wrote it:
/// `dn228/dn228 crond(pam_unix)[2915]: message`; HealthApp-like `name:value` messages too.
fn thunderbird() -> Vec<(usize, String)> {
    let hosts = ["dn228", "bn431", "tbird-admin1"];
    let programs = ["crond(pam_unix)", "sshd(pam_unix)", "su(pam_unix)"];
    (0..240)
        .map(|i| {
            let host = hosts[i % 3];
            let head = format!(
                "- {} 2005.11.09 {host} Nov 9 12:01:{:02} {host}/{host} {}[{}]:",
                1131566461 + i,
                i % 60,
                programs[i / 3 % 3],
                2915 + i
            );
            match i % 4 {
                0 => (0, format!("{head} session closed for user root")),
                1 => (
                    1,
                    format!("{head} session opened for user root by (uid={})", i % 2),
                ),
                2 => (
                    2,
                    format!(
                        "{head} onExtend:{} {} 0 4",
                        1514038530000u64 + i as u64,
                        i % 20
                    ),
                ),
                _ => (3, format!("{head} check pass; user unknown")),
            }
        })
        .collect()
}

#[test]
fn nested_brackets_and_relayed_programs_are_header() {
    for (name, sample) in [("zookeeper", zookeeper()), ("tbird", thunderbird())] {
        let accuracy = grouping_accuracy(name, &sample);
        assert!(accuracy >= 0.99, "{name}: grouping accuracy {accuracy}");
    }
    assert_eq!(
        past_thread_and_logger("local@tbird-admin1 postfix/postdrop[10896]: warning: x"),
        "warning: x"
    );
    assert_eq!(past_thread_and_logger("kernel[0]: up"), "up");
    assert_eq!(past_thread_and_logger("[a[b]c] - x"), "x");
    assert_eq!(
        past_thread_and_logger("CBS    Loaded Stack"),
        "Loaded Stack"
    );
    assert_eq!(past_thread_and_logger("OK done"), "OK done");
    let t: Vec<String> = tokens("onExtend:1514038530000 14")
        .into_iter()
        .map(|t| t.into_owned())
        .collect();
    assert_eq!(t, ["onExtend:<NUM>", "<NUM>"]);
}
