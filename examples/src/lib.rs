//! Shared helpers for the workspace examples.
