//! `Few<T>`: a list that is nearly always empty or short, in one word.
//!
//! A task has six lists (`args`, `requires`, `when`, `reads`, their spans,
//! `writes`) that most tasks leave empty; as `Vec`s they were three words
//! each, more than a third of a task, and a big program holds a million
//! tasks. `Few` is a pointer that is null when the list is empty, so an
//! empty list costs one word and no allocation; it reads as a slice. It
//! prints, serialises and compares exactly as a `Vec` does.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::ops::Deref;

#[derive(Clone, PartialEq, Eq)]
pub struct Few<T>(Option<Box<Items<T>>>);

/// The items of a list that is not empty (a struct, so that the box holds
/// one value: the `Vec` itself).
#[derive(Clone, PartialEq, Eq)]
struct Items<T> {
    items: Vec<T>,
}

impl<T> Few<T> {
    pub(crate) const fn new() -> Few<T> {
        Few(None)
    }

    pub(crate) fn push(&mut self, item: T) {
        match &mut self.0 {
            Some(list) => list.items.push(item),
            None => {
                self.0 = Some(Box::new(Items { items: vec![item] }));
            }
        }
    }
}

impl<T> Default for Few<T> {
    fn default() -> Few<T> {
        Few::new()
    }
}

impl<T> Deref for Few<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.0.as_ref().map_or(&[], |list| list.items.as_slice())
    }
}

impl<T> From<Vec<T>> for Few<T> {
    fn from(items: Vec<T>) -> Few<T> {
        if items.is_empty() {
            Few(None)
        } else {
            Few(Some(Box::new(Items { items })))
        }
    }
}

impl<T> FromIterator<T> for Few<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Few<T> {
        Few::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<T> Extend<T> for Few<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for item in iter {
            self.push(item);
        }
    }
}

impl<'a, T> IntoIterator for &'a Few<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Few<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Serialize> Serialize for Few<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Few<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Few<T>, D::Error> {
        Vec::<T>::deserialize(deserializer).map(Few::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_list_is_one_word_and_reads_as_empty() {
        assert_eq!(
            std::mem::size_of::<Few<String>>(),
            std::mem::size_of::<usize>()
        );
        let empty: Few<String> = Few::default();
        assert!(empty.is_empty());
        assert_eq!(Few::<u8>::from(Vec::new()), empty_u8());
    }

    fn empty_u8() -> Few<u8> {
        Few::new()
    }

    #[test]
    fn it_prints_serialises_and_collects_as_a_vec_does() {
        let mut few: Few<u32> = [1, 2].into_iter().collect();
        few.push(3);
        few.extend([4]);
        let vec = vec![1u32, 2, 3, 4];
        assert_eq!(&*few, vec.as_slice());
        assert_eq!(format!("{few:?}"), format!("{vec:?}"));
        assert_eq!(format!("{few:#?}"), format!("{vec:#?}"));
        let json = serde_json::to_string(&few).unwrap();
        assert_eq!(json, serde_json::to_string(&vec).unwrap());
        assert_eq!(serde_json::from_str::<Few<u32>>(&json).unwrap(), few);
        assert_eq!(
            format!("{:?}", Few::<u32>::new()),
            format!("{:?}", Vec::<u32>::new())
        );
    }
}
