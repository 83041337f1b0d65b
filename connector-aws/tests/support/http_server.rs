//! A recording HTTP server on 127.0.0.1 (hyper, spawned on the test's runtime): it keeps
//! every request (method, path and query, headers, body) and answers each with the next
//! status of a script (200 once the script is used up).

#![allow(dead_code, reason = "each test file uses part of the support module")]

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub(crate) method: String,
    pub(crate) path_and_query: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Recorded {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Clone)]
pub(crate) struct Server {
    pub(crate) origin: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    script: Arc<Mutex<VecDeque<u16>>>,
}

impl Server {
    /// Starts a server answering with `script`, then 200.
    pub(crate) async fn start(script: &[u16]) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let server = Server {
            origin,
            requests: Arc::new(Mutex::new(Vec::new())),
            script: Arc::new(Mutex::new(script.iter().copied().collect())),
        };
        let state = server.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let state = state.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request: hyper::Request<Incoming>| {
                        let state = state.clone();
                        async move {
                            let method = request.method().to_string();
                            let path_and_query = request
                                .uri()
                                .path_and_query()
                                .map(|p| p.to_string())
                                .unwrap_or_default();
                            let headers = request
                                .headers()
                                .iter()
                                .map(|(n, v)| {
                                    (n.to_string(), v.to_str().unwrap_or_default().to_owned())
                                })
                                .collect();
                            let body = request.into_body().collect().await.unwrap().to_bytes();
                            state.requests.lock().unwrap().push(Recorded {
                                method,
                                path_and_query,
                                headers,
                                body: String::from_utf8_lossy(&body).into_owned(),
                            });
                            let status = state.script.lock().unwrap().pop_front().unwrap_or(200);
                            Ok::<_, Infallible>(
                                hyper::Response::builder()
                                    .status(status)
                                    .body(Full::new(Bytes::new()))
                                    .unwrap(),
                            )
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        server
    }

    pub(crate) fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}
