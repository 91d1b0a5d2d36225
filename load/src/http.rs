//! A minimal HTTP/1.1 client over one keep-alive connection, with its own cookie jar: a
//! "virtual user". std only, on purpose: a full client (reqwest, awc) would add dozens of crates,
//! or rebuild actix-web with other features, for what is GET and POST on 127.0.0.1.
//!
//! It reads `Content-Length` and chunked bodies, keeps every cookie a response sets (and
//! forgets those set to expire), and never follows redirects: the caller sees each answer.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One user: a connection (re-opened if the server closes it) and a cookie jar.
pub struct Client {
    addr: SocketAddr,
    host: String,
    conn: Option<BufReader<TcpStream>>,
    pub jar: BTreeMap<String, String>,
}

/// `http://127.0.0.1:8004` → the socket address. Anything but a loopback address is refused:
/// this tool only ever loads a server on this machine.
pub fn loopback(url: &str) -> Result<SocketAddr, String> {
    let rest = url.strip_prefix("http://").ok_or("the URL must start with http://")?;
    let authority = rest.split('/').next().unwrap_or(rest);
    let authority = authority.replace("localhost", "127.0.0.1");
    let addr: SocketAddr =
        authority.parse().map_err(|e| format!("{authority} is not an IP address and port: {e}"))?;
    if !addr.ip().is_loopback() {
        return Err(format!("{addr} is not a loopback address: only 127.0.0.0/8 and ::1"));
    }
    Ok(addr)
}

impl Client {
    pub fn new(addr: SocketAddr) -> Client {
        Client { addr, host: addr.to_string(), conn: None, jar: BTreeMap::new() }
    }

    pub fn get(&mut self, path: &str) -> io::Result<Response> {
        self.send("GET", path, None)
    }

    pub fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> io::Result<Response> {
        let body: Vec<String> =
            fields.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
        self.send("POST", path, Some(body.join("&")))
    }

    fn send(&mut self, method: &str, path: &str, form: Option<String>) -> io::Result<Response> {
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        if !self.jar.is_empty() {
            let pairs: Vec<String> = self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
            request.push_str(&format!("Cookie: {}\r\n", pairs.join("; ")));
        }
        if let Some(body) = &form {
            request.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
            request.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        request.push_str("\r\n");
        if let Some(body) = &form {
            request.push_str(body);
        }
        // A kept-alive connection the server has closed fails on first use: retry once, fresh.
        match self.exchange(request.as_bytes()) {
            Ok(res) => Ok(res),
            Err(_) => {
                self.conn = None;
                self.exchange(request.as_bytes())
            }
        }
    }

    fn exchange(&mut self, request: &[u8]) -> io::Result<Response> {
        if self.conn.is_none() {
            let stream = TcpStream::connect_timeout(&self.addr, Duration::from_secs(5))?;
            stream.set_nodelay(true)?;
            stream.set_read_timeout(Some(Duration::from_secs(30)))?;
            self.conn = Some(BufReader::with_capacity(64 * 1024, stream));
        }
        let conn = self.conn.as_mut().expect("connected above");
        conn.get_mut().write_all(request)?;
        let res = read_response(conn)?;
        if res.header("connection").is_some_and(|c| c.eq_ignore_ascii_case("close")) {
            self.conn = None;
        }
        for (name, value) in &res.headers {
            if name.eq_ignore_ascii_case("set-cookie") {
                self.keep_cookie(value);
            }
        }
        Ok(res)
    }

    /// Keeps what a `Set-Cookie` says, as a browser would (expiry only as far as "removed").
    fn keep_cookie(&mut self, header: &str) {
        let mut parts = header.split(';');
        let Some((name, value)) = parts.next().and_then(|pair| pair.split_once('=')) else {
            return;
        };
        let removed = parts.map(str::trim).any(|attr| {
            let attr = attr.to_ascii_lowercase();
            attr == "max-age=0" || attr.starts_with("max-age=-") || attr.contains("1970")
        });
        if removed {
            self.jar.remove(name.trim());
        } else {
            self.jar.insert(name.trim().to_string(), value.trim().to_string());
        }
    }
}

fn read_response(conn: &mut BufReader<TcpStream>) -> io::Result<Response> {
    let mut line = String::new();
    if conn.read_line(&mut line)? == 0 {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed"));
    }
    let status =
        line.split_whitespace().nth(1).and_then(|code| code.parse().ok()).ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidData, format!("status: {line:?}"))
        })?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        conn.read_line(&mut line)?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let find = |name: &str| {
        headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if find("transfer-encoding").is_some_and(|te| te.eq_ignore_ascii_case("chunked")) {
        loop {
            line.clear();
            conn.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            if size == 0 {
                line.clear();
                conn.read_line(&mut line)?;
                break;
            }
            let start = body.len();
            body.resize(start + size, 0);
            conn.read_exact(&mut body[start..])?;
            line.clear();
            conn.read_line(&mut line)?;
        }
    } else if let Some(length) = find("content-length").and_then(|l| l.parse::<usize>().ok()) {
        body.resize(length, 0);
        conn.read_exact(&mut body)?;
    }
    Ok(Response { status, headers, body })
}

/// `application/x-www-form-urlencoded` for one name or value.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_are_accepted() {
        assert!(loopback("http://127.0.0.1:8004").is_ok());
        assert!(loopback("http://localhost:8004/").is_ok());
        assert!(loopback("http://127.1.2.3:80/x").is_ok());
        assert!(loopback("http://10.0.0.1:8004").is_err());
        assert!(loopback("http://192.168.1.1:80").is_err());
        assert!(loopback("https://127.0.0.1:8004").is_err());
    }

    #[test]
    fn the_jar_keeps_and_removes_cookies() {
        let mut client = Client::new("127.0.0.1:1".parse().expect("an address"));
        client.keep_cookie("session=abc; Path=/; HttpOnly");
        assert_eq!(client.jar.get("session").map(String::as_str), Some("abc"));
        client.keep_cookie("session=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
        assert!(client.jar.is_empty());
    }

    #[test]
    fn form_values_are_encoded() {
        assert_eq!(encode("a b&c=é"), "a+b%26c%3D%C3%A9");
    }
}
