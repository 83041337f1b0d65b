//! Runs a handful of requests at once on the caller's task (the schedule's shard queries and
//! claims), without a runtime of its own or another dependency.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

/// Polls every future until all are done; their outputs in the order given.
pub(crate) async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pending: Vec<Option<Pin<Box<F>>>> =
        futures.into_iter().map(|f| Some(Box::pin(f))).collect();
    let mut outputs: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut running = false;
        for (slot, output) in pending.iter_mut().zip(outputs.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => {
                        *output = Some(value);
                        *slot = None;
                    }
                    Poll::Pending => running = true,
                }
            }
        }
        if running {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn join_all_keeps_the_order_given_whatever_finishes_first() {
        let sleeps = [200u64, 0, 200];
        let futures: Vec<_> = sleeps
            .iter()
            .enumerate()
            .map(|(i, ms)| async move {
                tokio::time::sleep(std::time::Duration::from_millis(*ms)).await;
                i
            })
            .collect();
        let started = std::time::Instant::now();
        assert_eq!(join_all(futures).await, [0, 1, 2]);
        // At once, not one after another (400 ms).
        assert!(started.elapsed() < std::time::Duration::from_millis(350));
    }
}
