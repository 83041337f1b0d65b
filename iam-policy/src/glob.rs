//! Wildcard matching as IAM does it: `*` for any run of characters, `?` for exactly one.
//!
//! Three flavours share one matcher:
//! - action names: case-insensitive, `*` matches anything;
//! - `StringLike` and the segments of `ArnLike`: case-sensitive, `*` matches anything;
//! - the `Resource` element: case-sensitive, and a `*` stays inside its colon-delimited ARN
//!   segment unless it is the last character of a segment, in which case it "can expand to
//!   match beyond colon boundaries" (IAM User Guide, "IAM JSON policy elements: Resource").
//!
//! Text substituted from policy variables is literal: a `*` inside a user name is not a wildcard.

use crate::glob_wide::WideGlob;

/// One element of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token {
    /// A character that must match (subject to the case rule).
    Literal(char),
    /// `?`: exactly one character.
    One,
    /// `*`: any run of characters; `crosses_colon` is false for a resource `*` that must stay
    /// inside its ARN segment.
    Star { crosses_colon: bool },
}

/// How `*` treats colons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StarScope {
    /// `*` matches any characters (actions, `StringLike`, ARN segments).
    Anything,
    /// The `Resource` element rule described in the module docs.
    ResourceSegment,
}

/// Whether literals compare with ASCII case folding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    Sensitive,
    InsensitiveAscii,
}

/// Where the pattern text comes from: wildcard-bearing policy text, or a literal substitution.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Piece<'a> {
    Pattern(&'a str),
    Literal(&'a str),
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Glob {
    shape: Shape,
    case: Case,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// Matches every string.
    Any,
    /// No wildcard at all.
    Exact(String),
    /// A literal prefix followed by one `*` that crosses colons.
    Prefix(String),
    /// Anything else of fewer than 128 tokens: simulated as a small NFA in a `u128`, which is
    /// linear in the text and never backtracks however many stars there are.
    General(Vec<Token>),
    /// Longer patterns: the same NFA, 64 positions per word ([`WideGlob`]).
    Wide(Box<WideGlob>),
}

impl Glob {
    /// Compiles a pattern made of wildcard text and literal pieces.
    pub(crate) fn new(pieces: &[Piece<'_>], scope: StarScope, case: Case) -> Glob {
        let mut tokens = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Pattern(text) => tokens.extend(text.chars().map(|c| match c {
                    '*' => Token::Star {
                        crosses_colon: true,
                    },
                    '?' => Token::One,
                    other => Token::Literal(other),
                })),
                Piece::Literal(text) => tokens.extend(text.chars().map(Token::Literal)),
            }
        }
        if scope == StarScope::ResourceSegment {
            // A star crosses colons only when it ends its segment: followed by ':' or the end.
            let mut rest = tokens.iter_mut().peekable();
            while let Some(token) = rest.next() {
                if let Token::Star { crosses_colon } = token {
                    *crosses_colon =
                        matches!(rest.peek().map(|t| &**t), None | Some(Token::Literal(':')));
                }
            }
        }
        // A run of stars matches what its last star matches (only the last can be followed by
        // `:` or the end, so only it may cross colons): keep that one. The wide matcher relies
        // on no star following a star.
        tokens.dedup_by(|next, previous| {
            let both = matches!(
                (&*previous, &*next),
                (Token::Star { .. }, Token::Star { .. })
            );
            if both {
                *previous = *next;
            }
            both
        });
        Glob {
            shape: Shape::classify(tokens, case),
            case,
        }
    }

    /// Compiles plain wildcard text.
    pub(crate) fn from_pattern(pattern: &str, scope: StarScope, case: Case) -> Glob {
        Glob::new(&[Piece::Pattern(pattern)], scope, case)
    }

    /// True when the pattern contains no wildcard.
    #[cfg(test)]
    pub(crate) fn is_exact(&self) -> bool {
        matches!(self.shape, Shape::Exact(_))
    }

    /// Does `text` match the whole pattern?
    pub(crate) fn matches(&self, text: &str) -> bool {
        match &self.shape {
            Shape::Any => true,
            Shape::Exact(literal) => match self.case {
                Case::Sensitive => text == literal,
                Case::InsensitiveAscii => text.eq_ignore_ascii_case(literal),
            },
            Shape::Prefix(prefix) => {
                text.len() >= prefix.len()
                    && text.is_char_boundary(prefix.len())
                    && match self.case {
                        Case::Sensitive => text.starts_with(prefix.as_str()),
                        Case::InsensitiveAscii => text
                            .get(..prefix.len())
                            .is_some_and(|head| head.eq_ignore_ascii_case(prefix)),
                    }
            }
            Shape::General(tokens) => simulate_bits(tokens, text, self.case),
            Shape::Wide(wide) => wide.matches(text),
        }
    }
}

impl Shape {
    fn classify(tokens: Vec<Token>, case: Case) -> Shape {
        let crossing_star = |t: &Token| {
            matches!(
                t,
                Token::Star {
                    crosses_colon: true
                }
            )
        };
        let literal_text = |ts: &[Token]| -> Option<String> {
            ts.iter()
                .map(|t| match t {
                    Token::Literal(c) => Some(*c),
                    _ => None,
                })
                .collect()
        };
        if !tokens.is_empty() && tokens.iter().all(crossing_star) {
            return Shape::Any;
        }
        if let Some(text) = literal_text(&tokens) {
            return Shape::Exact(text);
        }
        if let Some((last, head)) = tokens.split_last()
            && crossing_star(last)
            && let Some(prefix) = literal_text(head)
        {
            return Shape::Prefix(prefix);
        }
        // `simulate_bits` holds positions 0..=len in a u128.
        if tokens.len() < 128 {
            Shape::General(tokens)
        } else {
            Shape::Wide(Box::new(WideGlob::new(&tokens, case)))
        }
    }
}

fn literal_eq(a: char, b: char, case: Case) -> bool {
    match case {
        Case::Sensitive => a == b,
        Case::InsensitiveAscii => a.eq_ignore_ascii_case(&b),
    }
}

/// Thompson-style simulation: the set of pattern positions reachable after each character.
fn simulate_bits(tokens: &[Token], text: &str, case: Case) -> bool {
    let close = |mut states: u128| -> u128 {
        // A star may match the empty string: a position before a star also reaches past it.
        for (i, token) in tokens.iter().enumerate() {
            if states & (1 << i) != 0 && matches!(token, Token::Star { .. }) {
                states |= 1 << (i + 1);
            }
        }
        states
    };
    let mut states = close(1);
    for c in text.chars() {
        let mut next: u128 = 0;
        let mut active = states;
        while active != 0 {
            let i = active.trailing_zeros() as usize;
            active &= active - 1;
            match tokens.get(i) {
                Some(Token::Literal(l)) if literal_eq(*l, c, case) => next |= 1 << (i + 1),
                Some(Token::One) => next |= 1 << (i + 1),
                Some(Token::Star { crosses_colon }) if *crosses_colon || c != ':' => next |= 1 << i,
                _ => {}
            }
        }
        if next == 0 {
            return false;
        }
        states = close(next);
    }
    states & (1 << tokens.len()) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(p: &str, t: &str) -> bool {
        Glob::from_pattern(p, StarScope::ResourceSegment, Case::Sensitive).matches(t)
    }

    #[test]
    fn resource_star_stays_in_segment_unless_last() {
        // Examples from the IAM User Guide's "Using wildcards in resource ARNs".
        assert!(res(
            "arn:aws:iam::123456789012:user/accounting/*",
            "arn:aws:iam::123456789012:user/accounting/bob"
        ));
        assert!(res("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b/c"));
        assert!(res(
            "arn:aws:iam::*:role/x",
            "arn:aws:iam::123456789012:role/x"
        ));
        assert!(!res("arn:aws:s3:::b*x", "arn:aws:s3:::b:x"));
        assert!(res("arn:aws:s3:::b*x", "arn:aws:s3:::bx"));
    }

    #[test]
    fn actions_fold_case() {
        let g = Glob::from_pattern("ec2:Describe*", StarScope::Anything, Case::InsensitiveAscii);
        assert!(g.matches("EC2:describeinstances"));
        assert!(!g.matches("ec2:RunInstances"));
        assert!(!Glob::from_pattern("abc", StarScope::Anything, Case::Sensitive).matches("ABC"));
    }

    #[test]
    fn literal_pieces_are_not_wildcards() {
        let g = Glob::new(
            &[Piece::Pattern("home/"), Piece::Literal("*")],
            StarScope::Anything,
            Case::Sensitive,
        );
        assert!(g.matches("home/*"));
        assert!(!g.matches("home/bob"));
        assert!(g.is_exact());
    }

    #[test]
    fn question_mark_is_one_character_even_multibyte() {
        let g = Glob::from_pattern("a?c", StarScope::Anything, Case::Sensitive);
        assert!(g.matches("aéc"));
        assert!(!g.matches("ac"));
        assert!(!g.matches("abbc"));
    }

    #[test]
    fn wildcard_match_is_linear_in_pattern_times_text_without_backtracking() {
        // 16 KB of `*a` against 100 KB of `a`s with no `b`: a backtracking matcher tries every
        // split; the wide simulation reads the text once.
        let pattern = format!("{}b", "*a".repeat(8 * 1024));
        let text = "a".repeat(100 * 1024);
        for scope in [StarScope::Anything, StarScope::ResourceSegment] {
            let glob = Glob::from_pattern(&pattern, scope, Case::Sensitive);
            assert!(!glob.matches(&text));
            assert!(glob.matches(&format!("{text}b")));
        }
        let glob = Glob::from_pattern(&pattern, StarScope::Anything, Case::InsensitiveAscii);
        assert!(glob.matches(&format!("{}B", "A".repeat(100 * 1024))));
    }

    #[test]
    fn runs_of_stars_collapse_to_their_last_star() {
        // `**:` may cross colons (its last star ends the segment); `a**b` may not.
        assert!(res("arn:**:x", "arn:a:b:c:x"));
        assert!(!res("arn:a**b", "arn:a:b"));
        assert!(res("arn:a**b", "arn:aXYb"));
        let g = Glob::from_pattern("a***", StarScope::Anything, Case::Sensitive);
        assert_eq!(
            g,
            Glob::from_pattern("a*", StarScope::Anything, Case::Sensitive)
        );
    }

    #[test]
    fn long_patterns_use_the_wide_simulation() {
        let pattern = "a*".repeat(100);
        let g = Glob::from_pattern(&pattern, StarScope::Anything, Case::Sensitive);
        assert!(g.matches(&"a".repeat(100)));
        assert!(!g.matches(&"a".repeat(99)));
    }
}

#[cfg(test)]
#[path = "glob_oracle_tests.rs"]
mod oracle_tests;
