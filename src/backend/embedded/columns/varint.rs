//! Unsigned LEB128 integers and zigzag-coded signed ones: small numbers in few bytes.

pub fn put(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Text as its length, then its bytes.
pub fn put_text(out: &mut Vec<u8>, text: &str) {
    put(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

pub fn put_signed(out: &mut Vec<u8>, n: i64) {
    put(out, ((n << 1) ^ (n >> 63)) as u64);
}

/// Reads from the front of a byte slice; every read fails cleanly past its end.
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    /// What is left to read.
    pub fn rest(&self) -> &'a [u8] {
        self.bytes
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn get(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.bytes.split_first()?;
            self.bytes = rest;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    pub fn get_signed(&mut self) -> Option<i64> {
        let n = self.get()?;
        Some(((n >> 1) as i64) ^ -((n & 1) as i64))
    }

    pub fn get_len(&mut self) -> Option<usize> {
        usize::try_from(self.get()?).ok()
    }

    pub fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        if len > self.bytes.len() {
            return None;
        }
        let (taken, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Some(taken)
    }

    /// Text written by `put_text`; `None` if cut short or not UTF-8.
    pub fn text(&mut self) -> Option<String> {
        let len = self.get_len()?;
        String::from_utf8(self.take(len)?.to_vec()).ok()
    }

    /// A text as it lies in the bytes, without copying it.
    pub fn text_ref(&mut self) -> Option<&'a str> {
        let len = self.get_len()?;
        std::str::from_utf8(self.take(len)?).ok()
    }

    /// A text's bytes as they lie, without checking they are UTF-8.
    pub fn bytes_ref(&mut self) -> Option<&'a [u8]> {
        let len = self.get_len()?;
        self.take(len)
    }

    /// Passes over a text without building it.
    pub fn skip_text(&mut self) -> Option<()> {
        let len = self.get_len()?;
        self.take(len).map(drop)
    }

    pub fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
}
