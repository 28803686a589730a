//! Where the text pest was given sits in its file. Usually it is the file;
//! a stage parsed apart starts mid-file, and the rest of a split file lacks
//! the insides of its stages (`split.rs`). Spans are always file positions.

use crate::span::{FileId, Span};

/// Maps positions in the parsed text to positions in the file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Placement {
    /// `(from, add)`: from position `from` on, add `add`; sorted by `from`.
    moves: Vec<(usize, usize)>,
}

impl Placement {
    /// The text starts at `start` in the file.
    pub(crate) fn starting_at(start: usize) -> Placement {
        Placement {
            moves: vec![(0, start)],
        }
    }

    /// From `from` on, `add` more bytes were left out of the text before it.
    pub(crate) fn moved(moves: Vec<(usize, usize)>) -> Placement {
        Placement { moves }
    }

    /// The placement of the part of the text that starts at `start`.
    pub(crate) fn from(&self, start: usize) -> Placement {
        let mut moves = vec![(0, self.position(start))];
        moves.extend(
            self.moves
                .iter()
                .filter(|&&(from, _)| from > start)
                .map(|&(from, add)| (from - start, add + start)),
        );
        Placement { moves }
    }

    fn position(&self, at: usize) -> usize {
        match self.moves.partition_point(|&(from, _)| from <= at) {
            0 => at,
            n => at + self.moves[n - 1].1,
        }
    }

    pub(crate) fn span(&self, file: FileId, s: pest::Span) -> Span {
        Span::new(file, self.position(s.start()), self.position(s.end()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_move_from_where_text_was_left_out() {
        let placement = Placement::moved(vec![(10, 5), (20, 12)]);
        let moved: Vec<_> = [0, 9, 10, 19, 20, 30]
            .into_iter()
            .map(|at| placement.position(at))
            .collect();
        assert_eq!(moved, [0, 9, 15, 24, 32, 42]);
        assert_eq!(Placement::starting_at(100).position(3), 103);
        let part = placement.from(12);
        let moved: Vec<_> = [0, 7, 8, 18]
            .into_iter()
            .map(|at| part.position(at))
            .collect();
        assert_eq!(moved, [17, 24, 32, 42]);
        assert_eq!(Placement::default().position(3), 3);
    }
}
