//! Groups the sentences people added or cut that say similar things: by their
//! embeddings from a provider when the person picks one, else by the words they share.
//! A group found in enough separate drafts is a candidate for the model to phrase as a
//! rule (`insights::phrase`).

use std::collections::BTreeSet;

use super::Unexplained;

/// How alike a sentence must be to a group (cosine to its centroid) to join it, when
/// sentences are compared by their words: about half their content words shared.
pub const WORDS_THRESHOLD: f32 = 0.5;
/// The same for sentence embeddings (all-MiniLM-L6-v2 puts paraphrases at 0.5–0.8 and
/// unrelated sentences of one domain at 0.1–0.3).
pub const EMBEDDINGS_THRESHOLD: f32 = 0.45;

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

/// Groups `items` (with one vector each) that are alike: each sentence, in order, joins
/// the group whose centroid it is closest to when that is at least `threshold`, else
/// starts one; then each sentence moves once to the centroid it is closest to, so the
/// order they came in matters less. Only groups from at least `min_support` separate
/// pairs are kept, the most supported first.
pub fn group(items: &[Unexplained], vectors: &[Vec<f32>], threshold: f32, min_support: u32) -> Vec<Group> {
    let vectors: Vec<Vec<f32>> = vectors.iter().map(|v| unit(v)).collect();
    let dimensions = vectors.first().map_or(0, Vec::len);
    struct Forming {
        added: bool,
        doc_type: Option<String>,
        sum: Vec<f32>,
        members: Vec<usize>,
    }
    let centroid = |f: &Forming| unit(&f.sum);
    let mut forming: Vec<Forming> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(v) = vectors.get(i).filter(|v| v.len() == dimensions && v.iter().any(|x| *x != 0.0)) else {
            continue;
        };
        let best = forming
            .iter()
            .enumerate()
            .filter(|(_, f)| f.added == item.added && f.doc_type == item.doc_type)
            .map(|(k, f)| (k, dot(v, &centroid(f))))
            .filter(|(_, s)| *s >= threshold)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((k, _)) => {
                let f = &mut forming[k];
                f.sum.iter_mut().zip(v).for_each(|(s, x)| *s += x);
                f.members.push(i);
            }
            None => forming.push(Forming {
                added: item.added,
                doc_type: item.doc_type.clone(),
                sum: v.clone(),
                members: vec![i],
            }),
        }
    }
    // One pass of moving each sentence to its closest centroid.
    let centroids: Vec<Vec<f32>> = forming.iter().map(centroid).collect();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); forming.len()];
    for (k, f) in forming.iter().enumerate() {
        for &i in &f.members {
            let home = dot(&vectors[i], &centroids[k]);
            let closest = forming
                .iter()
                .enumerate()
                .filter(|(_, g)| g.added == f.added && g.doc_type == f.doc_type)
                .map(|(j, _)| (j, dot(&vectors[i], &centroids[j])))
                .filter(|(_, s)| *s >= threshold)
                .fold((k, home), |best, c| if c.1 > best.1 { c } else { best });
            members[closest.0].push(i);
        }
    }
    let mut groups: Vec<Group> = forming
        .into_iter()
        .zip(members)
        .filter_map(|(f, mut members)| {
            members.sort_unstable();
            let pairs: BTreeSet<usize> = members.iter().map(|&i| items[i].pair).collect();
            let support = pairs.len() as u32;
            (support >= min_support).then_some(Group {
                added: f.added,
                doc_type: f.doc_type,
                members,
                support,
            })
        })
        .collect();
    groups.sort_by(|a, b| {
        b.support
            .cmp(&a.support)
            .then(b.members.len().cmp(&a.members.len()))
            .then(a.members.first().cmp(&b.members.first()))
    });
    groups
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
