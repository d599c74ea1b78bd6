//! Groups the sentences people added or cut that say similar things: by their
//! embeddings from a provider when the person picks one, else by the words they share.
//! A group found in enough separate drafts is a candidate for the model to phrase as a
//! rule (`insights::phrase`).

use std::collections::BTreeSet;

use super::Unexplained;

/// How alike two groups' sentences must be on average (cosine) to merge, when they
/// are compared by their words: most content words shared.
pub const WORDS_THRESHOLD: f32 = 0.5;
/// The same for sentence embeddings. With all-MiniLM-L6-v2, sentences that say the same
/// kind of thing in other words average 0.27–0.39 and unrelated ones of one domain
/// 0.08–0.19 (`docs/benchmarks.md`, non-lexical habits).
pub const EMBEDDINGS_THRESHOLD: f32 = 0.25;

/// Sentences that say similar things, all added or all cut, in one content type.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub added: bool,
    pub doc_type: Option<String>,
    /// Indices into the sentences grouped, in their order.
    pub members: Vec<usize>,
    /// Separate pairs (drafts) the group's sentences come from.
    pub support: u32,
}

const WORD_DIMENSIONS: usize = 256;

const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "in",
    "is", "it", "its", "of", "on", "or", "our", "so", "that", "the", "their", "this", "to", "us",
    "was", "we", "will", "with", "you", "your",
];

/// A sentence as the bag of its content words (lowercased, short function words left
/// out), hashed into a fixed number of dimensions.
pub fn word_vector(text: &str) -> Vec<f32> {
    let mut v = vec![0.0f32; WORD_DIMENSIONS];
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
    {
        let hash = word.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        v[(hash % WORD_DIMENSIONS as u64) as usize] += 1.0;
    }
    v
}

fn unit(v: &[f32]) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm == 0.0 {
        return v.to_vec();
    }
    v.iter().map(|x| x / norm).collect()
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Groups `items` (with one vector each) that are alike, by average linkage: starting
/// from one group per sentence, the two groups whose sentences are most alike on
/// average merge, while that average is at least `threshold`. Sentences added and cut,
/// or of different content types, never share a group. Only groups from at least
/// `min_support` separate pairs are kept, the most supported first.
pub fn group(
    items: &[Unexplained],
    vectors: &[Vec<f32>],
    threshold: f32,
    min_support: u32,
) -> Vec<Group> {
    let vectors: Vec<Vec<f32>> = vectors.iter().map(|v| unit(v)).collect();
    let dimensions = vectors.first().map_or(0, Vec::len);
    // Sentences with a usable vector, by (added, content type).
    let mut parts: Vec<(bool, Option<String>, Vec<usize>)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let usable = vectors
            .get(i)
            .is_some_and(|v| v.len() == dimensions && v.iter().any(|x| *x != 0.0));
        if !usable {
            continue;
        }
        match parts
            .iter_mut()
            .find(|(added, doc_type, _)| *added == item.added && *doc_type == item.doc_type)
        {
            Some((_, _, members)) => members.push(i),
            None => parts.push((item.added, item.doc_type.clone(), vec![i])),
        }
    }
    let mut groups: Vec<Group> = Vec::new();
    for (added, doc_type, members) in parts {
        for mut members in average_linkage(&members, &vectors, threshold) {
            members.sort_unstable();
            let pairs: BTreeSet<usize> = members.iter().map(|&i| items[i].pair).collect();
            let support = pairs.len() as u32;
            if support >= min_support {
                groups.push(Group {
                    added,
                    doc_type: doc_type.clone(),
                    members,
                    support,
                });
            }
        }
    }
    groups.sort_by(|a, b| {
        b.support
            .cmp(&a.support)
            .then(b.members.len().cmp(&a.members.len()))
            .then(a.members.first().cmp(&b.members.first()))
    });
    groups
}

/// Merges the two most alike groups (mean cosine of their sentences) while that mean
/// is at least `threshold`; returns the groups of `members`.
fn average_linkage(members: &[usize], vectors: &[Vec<f32>], threshold: f32) -> Vec<Vec<usize>> {
    let n = members.len();
    // sum[a * n + b]: the summed cosines between the sentences of groups a and b.
    let mut sum = vec![0.0f32; n * n];
    for a in 0..n {
        for b in a + 1..n {
            let s = dot(&vectors[members[a]], &vectors[members[b]]);
            sum[a * n + b] = s;
            sum[b * n + a] = s;
        }
    }
    let mut groups: Vec<Option<Vec<usize>>> = members.iter().map(|&i| Some(vec![i])).collect();
    loop {
        let mut best: Option<(usize, usize, f32)> = None;
        for a in 0..n {
            let Some(ga) = &groups[a] else { continue };
            for b in a + 1..n {
                let Some(gb) = &groups[b] else { continue };
                let mean = sum[a * n + b] / (ga.len() * gb.len()) as f32;
                if mean >= threshold && best.is_none_or(|(_, _, m)| mean > m) {
                    best = Some((a, b, mean));
                }
            }
        }
        let Some((a, b, _)) = best else { break };
        let merged = groups[b].take().unwrap_or_default();
        if let Some(ga) = groups[a].as_mut() {
            ga.extend(merged);
        }
        for x in 0..n {
            let s = sum[b * n + x];
            sum[a * n + x] += s;
            sum[x * n + a] += s;
        }
    }
    groups.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(text: &str, pair: usize) -> Unexplained {
        Unexplained {
            added: true,
            text: text.into(),
            pair,
            doc_type: None,
            document_id: None,
        }
    }

    #[test]
    fn sentences_sharing_their_content_words_group_and_others_do_not() {
        let items = vec![
            sentence("Reply by Friday with your budget numbers.", 0),
            sentence("The pricing page lists every plan.", 1),
            sentence("Please reply by Friday with the budget numbers.", 2),
            sentence("Send your budget numbers by Friday.", 3),
            sentence("Our office dog is called Biscuit.", 4),
        ];
        let vectors: Vec<Vec<f32>> = items.iter().map(|i| word_vector(&i.text)).collect();
        let groups = group(&items, &vectors, WORDS_THRESHOLD, 3);
        assert_eq!(groups.len(), 1, "{groups:?}");
        assert_eq!(groups[0].members, vec![0, 2, 3]);
        assert_eq!(groups[0].support, 3);
    }

    #[test]
    fn support_counts_drafts_not_sentences() {
        // Three alike sentences, two of them in one draft: support 2, below 3.
        let items = vec![
            sentence("Reply by Friday with your budget numbers.", 0),
            sentence("Please reply by Friday with the budget numbers.", 0),
            sentence("Send your budget numbers by Friday.", 1),
        ];
        let vectors: Vec<Vec<f32>> = items.iter().map(|i| word_vector(&i.text)).collect();
        assert!(group(&items, &vectors, WORDS_THRESHOLD, 3).is_empty());
        assert_eq!(group(&items, &vectors, WORDS_THRESHOLD, 2)[0].support, 2);
    }

    #[test]
    fn added_and_cut_sentences_never_share_a_group() {
        let mut items = vec![
            sentence("Reply by Friday with your budget numbers.", 0),
            sentence("Please reply by Friday with the budget numbers.", 1),
            sentence("Send your budget numbers by Friday.", 2),
        ];
        items[1].added = false;
        let vectors: Vec<Vec<f32>> = items.iter().map(|i| word_vector(&i.text)).collect();
        assert!(group(&items, &vectors, WORDS_THRESHOLD, 3).is_empty());
    }
}
