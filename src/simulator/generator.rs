//! The traffic model: requests that fan out across services under one trace id, a
//! background of jobs and housekeeping, bursts of load and incidents that make one
//! service fail for a while. Everything comes from one seeded generator, so a seed and
//! a start time always give the same stream.

use super::catalog::*;
use super::sim_event::{SimEvent, SimValue};
use crate::event::{Level, Timestamp};
use std::collections::VecDeque;
use std::fmt::Write;

const SECOND: f64 = 1_000_000.0;

#[derive(Debug, Clone)]
pub struct SimConfig {
    pub seed: u64,
    pub start: Timestamp,
    /// Average events per second of simulated time.
    pub rate: f64,
}

struct Incident {
    service: &'static str,
    until: f64,
}

pub struct Simulator {
    rng: fastrand::Rng,
    /// Simulated time in microseconds since the start.
    clock: f64,
    start: i64,
    base_gap: f64,
    /// Events of the current request, already in time order.
    pending: VecDeque<SimEvent>,
    spare: Vec<SimEvent>,
    incident: Option<Incident>,
    next_incident: f64,
    burst_until: f64,
    burst_factor: f64,
    next_burst: f64,
}

impl Simulator {
    pub fn new(config: &SimConfig) -> Simulator {
        let mut rng = fastrand::Rng::with_seed(config.seed);
        let next_incident = rng.f64() * 240.0 * SECOND + 60.0 * SECOND;
        let next_burst = rng.f64() * 120.0 * SECOND + 30.0 * SECOND;
        Simulator {
            rng,
            clock: 0.0,
            start: config.start.micros(),
            base_gap: SECOND / config.rate.max(0.001),
            pending: VecDeque::new(),
            spare: Vec::new(),
            incident: None,
            next_incident,
            burst_until: 0.0,
            burst_factor: 1.0,
            next_burst,
        }
    }

    /// Simulated time elapsed since the start.
    pub fn elapsed_micros(&self) -> i64 {
        self.clock as i64
    }

    pub fn incident_service(&self) -> Option<&'static str> {
        self.incident.as_ref().map(|i| i.service)
    }

    /// Fills `out` with the next event.
    pub fn next_into(&mut self, out: &mut SimEvent) {
        if self.pending.is_empty() {
            self.advance_world();
            self.generate_request();
        }
        if let Some(mut next) = self.pending.pop_front() {
            self.tick();
            next.timestamp = Timestamp(self.start + self.clock as i64);
            std::mem::swap(out, &mut next);
            next.clear();
            self.spare.push(next);
        }
    }

    fn tick(&mut self) {
        let factor = if self.clock < self.burst_until {
            self.burst_factor
        } else {
            1.0
        };
        // Jittered gaps average out to the configured rate.
        self.clock += self.base_gap / factor * (0.5 + self.rng.f64());
    }

    fn advance_world(&mut self) {
        if self
            .incident
            .as_ref()
            .is_some_and(|i| self.clock >= i.until)
        {
            self.incident = None;
        }
        if self.clock >= self.next_incident {
            let service = FRAGILE[self.rng.usize(..FRAGILE.len())].name;
            let length = (30.0 + self.rng.f64() * 90.0) * SECOND;
            self.incident = Some(Incident {
                service,
                until: self.clock + length,
            });
            self.next_incident = self.clock + length + (120.0 + self.rng.f64() * 480.0) * SECOND;
        }
        if self.clock >= self.next_burst {
            self.burst_factor = 2.0 + self.rng.f64() * 3.0;
            self.burst_until = self.clock + (5.0 + self.rng.f64() * 15.0) * SECOND;
            self.next_burst = self.burst_until + (60.0 + self.rng.f64() * 240.0) * SECOND;
        }
    }

    fn failing(&self, service: &str) -> bool {
        self.incident.as_ref().is_some_and(|i| i.service == service)
    }

    fn new_event(&mut self, spec: &ServiceSpec, level: Level, trace: Option<u128>) -> SimEvent {
        let mut event = self.spare.pop().unwrap_or_default();
        event.level = level;
        event.service = spec.name;
        event.host = spec.hosts[self.rng.usize(..spec.hosts.len())];
        event.trace_id = trace;
        event
    }

    fn push(&mut self, mut event: SimEvent) {
        event.finish();
        self.pending.push_back(event);
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.f64() < p
    }

    fn user(&mut self) -> String {
        format!("u{}", self.rng.u32(1000..60000))
    }

    fn generate_request(&mut self) {
        let roll = self.rng.u32(0..100);
        if roll < 8 {
            return self.background();
        }
        let trace = Some(self.rng.u128(..));
        let (method, route, outcome) = match roll {
            8..=25 => ("POST", "/api/v1/login", self.login(trace)),
            26..=45 => ("POST", "/api/v1/orders", self.order(trace)),
            46..=65 => ("GET", "/api/v1/search", self.search(trace)),
            66..=85 => ("GET", "/api/v1/users", self.profile(trace)),
            _ => ("GET", "/api/v1/products", self.catalog(trace)),
        };
        self.access_log(trace, method, route, outcome);
    }

    /// The gateway's access line, written when the request completes.
    fn access_log(
        &mut self,
        trace: Option<u128>,
        method: &'static str,
        route: &'static str,
        (status, latency): (i64, i64),
    ) {
        let level = match status {
            500.. => Level::Error,
            400.. => Level::Warn,
            _ => Level::Info,
        };
        let mut e = self.new_event(&GATEWAY, level, trace);
        let bytes = self.rng.i64(120..48_000);
        let agent = USER_AGENTS[self.rng.usize(..USER_AGENTS.len())];
        let client = format!(
            "10.{}.{}.{}",
            self.rng.u8(0..32),
            self.rng.u8(..),
            self.rng.u8(1..255)
        );
        let _ = write!(
            e.message,
            "{method} {route} {status} {latency}ms {bytes}B client={client} ua=\"{agent}\""
        );
        e.text("method", method);
        e.text("path", route);
        e.int("status", status);
        e.int("latency_ms", latency);
        e.int("bytes", bytes);
        e.field("client_ip", SimValue::Text(client));
        self.push(e);
    }

    fn latency(&mut self, service: &str, typical: i64) -> i64 {
        let base = typical / 2 + self.rng.i64(0..typical.max(1));
        let tail = if self.chance(0.02) {
            self.rng.i64(0..typical * 20)
        } else {
            0
        };
        let slow = if self.failing(service) { 10 } else { 1 };
        (base + tail) * slow
    }

    fn debug(&mut self, spec: &ServiceSpec, trace: Option<u128>, text: String) {
        if self.chance(0.35) {
            let level = if self.chance(0.15) {
                Level::Trace
            } else {
                Level::Debug
            };
            let mut e = self.new_event(spec, level, trace);
            e.message.push_str(&text);
            self.push(e);
        }
    }

    fn cache_lookup(&mut self, trace: Option<u128>, key: String) -> bool {
        let failing = self.failing(CACHE.name);
        if failing && self.chance(0.6) {
            let mut e = self.new_event(&CACHE, Level::Error, trace);
            let _ = write!(
                e.message,
                "connection refused: redis {}:6379 (pool exhausted, 0/64 free)",
                e.host
            );
            e.field("key", SimValue::Text(key));
            self.push(e);
            return false;
        }
        let hit = self.chance(0.7);
        let mut e = self.new_event(&CACHE, if hit { Level::Debug } else { Level::Info }, trace);
        let _ = write!(
            e.message,
            "cache {} key={key}",
            if hit { "hit" } else { "miss" }
        );
        e.text("result", if hit { "hit" } else { "miss" });
        e.field("key", SimValue::Text(key));
        self.push(e);
        hit
    }

    /// A database call; returns false when it timed out.
    fn db_query(&mut self, trace: Option<u128>, statement: &'static str) -> bool {
        if self.failing(DB.name) && self.chance(0.5) {
            let mut e = self.new_event(&DB, Level::Error, trace);
            e.message
                .push_str("query timeout after 5000ms on pool main (active=50 idle=0 waiting=37)");
            e.text("statement", statement);
            e.int("latency_ms", 5000);
            self.push(e);
            return false;
        }
        let latency = self.latency(DB.name, 4);
        let level = if latency > 500 {
            Level::Warn
        } else {
            Level::Debug
        };
        if level == Level::Warn || self.chance(0.3) {
            let mut e = self.new_event(&DB, level, trace);
            if level == Level::Warn {
                let _ = write!(e.message, "slow query took {latency}ms: {statement}");
            } else {
                let _ = write!(e.message, "{statement} took {latency}ms");
            }
            e.text("statement", statement);
            e.int("latency_ms", latency);
            self.push(e);
        }
        true
    }

    fn login(&mut self, trace: Option<u128>) -> (i64, i64) {
        let user = self.user();
        self.debug(&AUTH, trace, format!("validating credentials for {user}"));
        let latency = self.latency(AUTH.name, 40);
        if self.failing(AUTH.name) && self.chance(0.5) {
            let mut e = self.new_event(&AUTH, Level::Error, trace);
            e.message
                .push_str("token validation failed: upstream jwks fetch timed out after 3000ms");
            e.field("user_id", SimValue::Text(user));
            self.push(e);
            return (503, latency + 3000);
        }
        if !self.db_query(trace, "SELECT * FROM users WHERE email = $1") {
            return (500, latency + 5000);
        }
        if self.chance(0.12) {
            let locked = self.chance(0.1);
            let mut e = self.new_event(
                &AUTH,
                if locked { Level::Error } else { Level::Warn },
                trace,
            );
            if locked {
                let _ = write!(
                    e.message,
                    "account {user} locked after 5 failed login attempts"
                );
            } else {
                let _ = write!(
                    e.message,
                    "authentication failed for user {user}: invalid password"
                );
            }
            e.text("reason", if locked { "locked" } else { "invalid_password" });
            e.field("user_id", SimValue::Text(user));
            self.push(e);
            return (401, latency);
        }
        let mut e = self.new_event(&AUTH, Level::Info, trace);
        let _ = write!(
            e.message,
            "user {user} logged in (mfa={})",
            if self.chance(0.4) { "totp" } else { "none" }
        );
        e.field("user_id", SimValue::Text(user));
        self.push(e);
        (200, latency)
    }

    fn order(&mut self, trace: Option<u128>) -> (i64, i64) {
        let user = self.user();
        let order_id = format!("ord_{:08x}", self.rng.u32(..));
        let items = self.rng.i64(1..6);
        let latency = self.latency(ORDERS.name, 80);
        let sku = SKUS[self.rng.usize(..SKUS.len())];
        if self.failing(INVENTORY.name) && self.chance(0.4) {
            let mut e = self.new_event(&INVENTORY, Level::Error, trace);
            let _ = write!(
                e.message,
                "stock service unavailable: reservation for {sku} failed after 3 retries"
            );
            e.text("sku", sku);
            self.push(e);
            return (503, latency + 900);
        }
        let mut e = self.new_event(&INVENTORY, Level::Info, trace);
        let _ = write!(e.message, "reserved {items} units of {sku} for {order_id}");
        e.text("sku", sku);
        e.int("quantity", items);
        self.push(e);
        if !self.db_query(
            trace,
            "INSERT INTO orders (id, user_id, total) VALUES ($1, $2, $3)",
        ) {
            let mut e = self.new_event(&ORDERS, Level::Error, trace);
            let _ = write!(
                e.message,
                "failed to create order {order_id}\n{TIMEOUT_TRACE}"
            );
            e.field("order_id", SimValue::Text(order_id));
            e.text("exception", "java.sql.SQLTimeoutException");
            self.push(e);
            return (500, latency + 5000);
        }
        self.pay_for_order(trace, order_id, user, items, latency)
    }

    /// The payment of an order that was created, and what follows it.
    fn pay_for_order(
        &mut self,
        trace: Option<u128>,
        order_id: String,
        user: String,
        items: i64,
        mut latency: i64,
    ) -> (i64, i64) {
        let amount = self.rng.i64(500..50_000);
        let currency = CURRENCIES[self.rng.usize(..CURRENCIES.len())];
        latency += self.latency(PAYMENTS.name, 120);
        let payments_down = self.failing(PAYMENTS.name) && self.chance(0.5);
        if payments_down {
            let mut e = self.new_event(&PAYMENTS, Level::Error, trace);
            let _ = write!(
                e.message,
                "upstream acquirer timed out after 10000ms for {order_id}; circuit breaker open"
            );
            e.field("order_id", SimValue::Text(order_id.clone()));
            self.push(e);
            if self.chance(0.02) {
                let mut e = self.new_event(&PAYMENTS, Level::Fatal, None);
                e.message.push_str(
                    "worker pool exhausted: out of memory, process will exit (heap 1998/2048 MiB)",
                );
                self.push(e);
            }
            return (502, latency + 10_000);
        }
        if self.chance(0.06) {
            let reason = DECLINES[self.rng.usize(..DECLINES.len())];
            let mut e = self.new_event(&PAYMENTS, Level::Warn, trace);
            let _ = write!(e.message, "payment declined for order {order_id}: {reason}");
            e.text("decline_reason", reason);
            e.int("amount_cents", amount);
            e.text("currency", currency);
            e.field("order_id", SimValue::Text(order_id));
            e.field("user_id", SimValue::Text(user));
            self.push(e);
            return (402, latency);
        }
        let mut e = self.new_event(&PAYMENTS, Level::Info, trace);
        let _ = write!(
            e.message,
            "payment authorized for order {order_id}: {}.{:02} {currency}",
            amount / 100,
            amount % 100
        );
        e.int("amount_cents", amount);
        e.text("currency", currency);
        e.field("order_id", SimValue::Text(order_id.clone()));
        self.push(e);
        let mut e = self.new_event(&ORDERS, Level::Info, trace);
        let _ = write!(
            e.message,
            "created order {order_id} for user {user} with {items} items"
        );
        e.field("order_id", SimValue::Text(order_id));
        e.field("user_id", SimValue::Text(user.clone()));
        e.int("items", items);
        self.push(e);
        if self.chance(0.5) {
            let mut e = self.new_event(&NOTIFICATIONS, Level::Info, trace);
            let _ = write!(
                e.message,
                "sent email template=order_confirmation to {user}"
            );
            e.text("template", "order_confirmation");
            e.field("user_id", SimValue::Text(user));
            self.push(e);
        }
        (201, latency)
    }

    fn search(&mut self, trace: Option<u128>) -> (i64, i64) {
        let term = SEARCH_TERMS[self.rng.usize(..SEARCH_TERMS.len())];
        if self.cache_lookup(trace, format!("search:{term}")) {
            return (200, self.rng.i64(2..12));
        }
        let latency = self.latency(SEARCH.name, 60);
        if self.failing(SEARCH.name) && self.chance(0.5) {
            let mut e = self.new_event(&SEARCH, Level::Error, trace);
            let _ = write!(e.message, "search for '{term}' failed\n{PY_TRACE}");
            e.text("query", term);
            e.text("exception", "SearchTimeout");
            self.push(e);
            return (504, latency + 2000);
        }
        let hits = self.rng.i64(0..400);
        let mut e = self.new_event(&SEARCH, Level::Info, trace);
        let _ = write!(
            e.message,
            "query '{term}' returned {hits} hits in {latency}ms"
        );
        e.text("query", term);
        e.int("hits", hits);
        e.int("latency_ms", latency);
        self.push(e);
        (200, latency + 3)
    }

    fn profile(&mut self, trace: Option<u128>) -> (i64, i64) {
        let user = self.user();
        let latency = self.latency(USERS.name, 25);
        if !self.cache_lookup(trace, format!("user:{user}"))
            && !self.db_query(trace, "SELECT * FROM profiles WHERE user_id = $1")
        {
            return (500, latency + 5000);
        }
        if self.chance(0.004) {
            let mut e = self.new_event(&USERS, Level::Error, trace);
            let _ = write!(
                e.message,
                "unhandled exception rendering profile {user}\n{NPE_TRACE}"
            );
            e.field("user_id", SimValue::Text(user));
            e.text("exception", "java.lang.NullPointerException");
            self.push(e);
            return (500, latency);
        }
        let mut e = self.new_event(&USERS, Level::Info, trace);
        let _ = write!(e.message, "fetched profile {user}");
        e.field("user_id", SimValue::Text(user));
        self.push(e);
        (200, latency)
    }

    fn catalog(&mut self, trace: Option<u128>) -> (i64, i64) {
        let sku = SKUS[self.rng.usize(..SKUS.len())];
        self.cache_lookup(trace, format!("product:{sku}"));
        let stock = self.rng.i64(0..80);
        let mut e = self.new_event(
            &INVENTORY,
            if stock < 3 { Level::Warn } else { Level::Debug },
            trace,
        );
        let _ = write!(
            e.message,
            "stock level for {sku}: {stock} units{}",
            if stock < 3 {
                " (below reorder point)"
            } else {
                ""
            }
        );
        e.text("sku", sku);
        e.int("stock", stock);
        self.push(e);
        (200, self.latency(INVENTORY.name, 15))
    }

    fn background(&mut self) {
        match self.rng.u32(0..4) {
            0 => {
                let job = JOBS[self.rng.usize(..JOBS.len())];
                let took = self.rng.i64(40..9000);
                let mut e = self.new_event(&SCHEDULER, Level::Info, None);
                let _ = write!(
                    e.message,
                    "job {job} finished in {took}ms, processed {} rows",
                    self.rng.u32(0..20_000)
                );
                e.text("job", job);
                e.int("latency_ms", took);
                self.push(e);
            }
            1 => {
                let used = self.rng.i64(40..99);
                let level = if used > 90 { Level::Warn } else { Level::Info };
                let mut e = self.new_event(&CACHE, level, None);
                let _ = write!(
                    e.message,
                    "evicted {} keys, memory used {used}%",
                    self.rng.u32(0..5000)
                );
                e.int("memory_pct", used);
                self.push(e);
            }
            2 => {
                let template = EMAIL_TEMPLATES[self.rng.usize(..EMAIL_TEMPLATES.len())];
                let user = self.user();
                let bounced = self.chance(0.05);
                let mut e = self.new_event(
                    &NOTIFICATIONS,
                    if bounced { Level::Warn } else { Level::Info },
                    None,
                );
                if bounced {
                    let _ = write!(
                        e.message,
                        "email to {user} bounced: mailbox unavailable (550)"
                    );
                } else {
                    let _ = write!(e.message, "sent email template={template} to {user}");
                }
                e.text("template", template);
                e.field("user_id", SimValue::Text(user));
                self.push(e);
            }
            _ => {
                let spec = [&GATEWAY, &AUTH, &ORDERS, &PAYMENTS][self.rng.usize(..4)];
                let mut e = self.new_event(spec, Level::Debug, None);
                let _ = write!(e.message, "GET /healthz 200 {}ms", self.rng.u32(0..3));
                e.text("path", "/healthz");
                e.int("status", 200);
                self.push(e);
            }
        }
    }
}
