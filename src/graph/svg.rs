//! The drawing as inline SVG, for the dashboard: stages as boxes from left to
//! right with their gates between them, each stage's tasks in columns by
//! depth (tasks at one depth are parallel branches, stacked), dependencies as
//! arrows. Each task node carries its name and a state (`data-status`) that
//! the page's script updates live; the state is also written in words.

use super::escape::html_text as esc;
use super::model::{self, LinkKind, Node, NodeKind};
use crate::ir::{PipelineId, Program};
use std::collections::HashMap;
use std::fmt::Write;

const NODE_W: i64 = 210;
const LINE_H: i64 = 15;
const COL_GAP: i64 = 36;
const ROW_GAP: i64 = 12;
const PAD: i64 = 12;
const TITLE_H: i64 = 26;
const GATE_W: i64 = 190;
const STAGE_GAP: i64 = 40;

/// The pipeline `pid` as SVG; `statuses` gives each task's state by name
/// (tasks without one are `pending`). Without `detail` each stage shows how
/// many of its tasks are in each state instead of every task: a pipeline of
/// hundreds of tasks stays a drawing one can read and a page of bounded size.
pub(crate) fn pipeline(
    program: &Program,
    pid: PipelineId,
    statuses: &HashMap<String, String>,
    detail: bool,
) -> String {
    let drawing = model::build(program, &[pid]);
    let Some(boxed) = drawing.pipelines.first() else {
        return String::new();
    };
    let p = program.pipeline(pid);
    let mut body = String::new();
    let mut places: HashMap<&str, (i64, i64, i64, i64)> = HashMap::new();
    let mut gates = boxed.gates.iter();
    let mut x = PAD;
    let mut height = 0;
    let mut previous_exit: Option<(i64, i64)> = None;
    let summaries: Vec<Option<Node>> = boxed
        .stages
        .iter()
        .map(|stage| (!detail).then(|| summary_node(&stage.id, &stage.tasks, statuses)))
        .collect();
    for (si, stage) in boxed.stages.iter().enumerate() {
        let summary = &summaries[si];
        let nodes: Vec<&Node> = match summary {
            Some(node) => vec![node],
            None => stage.tasks.iter().chain(stage.placeholder.iter()).collect(),
        };
        let columns = nodes.iter().map(|n| n.depth).max().map_or(1, |d| d + 1);
        let mut column_y = vec![TITLE_H + PAD; columns];
        let mut inner = String::new();
        for node in &nodes {
            let h = node_height(node);
            let nx = x + PAD + i64::try_from(node.depth).unwrap_or(0) * (NODE_W + COL_GAP);
            let ny = column_y[node.depth];
            column_y[node.depth] += h + ROW_GAP;
            places.insert(node.id.as_str(), (nx, ny, NODE_W, h));
            inner.push_str(&node_svg(node, nx, ny, h, statuses));
        }
        let w = i64::try_from(columns).unwrap_or(1) * (NODE_W + COL_GAP) - COL_GAP + 2 * PAD;
        let h = column_y.iter().max().copied().unwrap_or(TITLE_H) + PAD - ROW_GAP;
        let _ = write!(
            body,
            r#"<g class="stage" data-stage="{name}"><rect x="{x}" y="0" width="{w}" height="{h}" rx="6"/><text class="title" x="{tx}" y="18">{title}</text>{inner}</g>"#,
            name = esc(&p.stages[si].name),
            tx = x + PAD,
            title = esc(&stage.title),
        );
        if let Some((ex, ey)) = previous_exit {
            edge(&mut body, ex, ey, x, h.min(120) / 2);
        }
        height = height.max(h);
        x += w;
        // The stage's gates, one under the other, before the next stage.
        let own: Vec<&Node> = gates.by_ref().take(p.stages[si].gates.len()).collect();
        let mid = h.min(120) / 2;
        if own.is_empty() {
            previous_exit = Some((x, mid));
            x += STAGE_GAP;
            continue;
        }
        let gx = x + STAGE_GAP / 2;
        edge(&mut body, x, mid, gx, mid);
        let mut gy = mid - 20;
        for gate in own {
            let gh = 22 + LINE_H * i64::try_from(gate.lines.len()).unwrap_or(1);
            let _ = write!(
                body,
                r#"<g class="gate" tabindex="0"><title>{t}</title><polygon points="{a},{gy} {b},{c} {a},{d} {gx},{c}"/>{lines}</g>"#,
                t = esc(&gate.lines.join("\n")),
                a = gx + GATE_W / 2,
                b = gx + GATE_W,
                c = gy + gh / 2,
                d = gy + gh,
                lines = text_lines(&gate.lines, gx + 30, gy + 18, 22),
            );
            height = height.max(gy + gh);
            gy += gh + ROW_GAP;
        }
        previous_exit = Some((gx + GATE_W, mid));
        x = gx + GATE_W + STAGE_GAP / 2;
    }
    for link in &drawing.links {
        if link.kind != LinkKind::Dependency {
            continue;
        }
        let (Some(from), Some(to)) = (
            places.get(link.from.node.as_str()),
            places.get(link.to.node.as_str()),
        ) else {
            continue;
        };
        let (x1, y1) = (from.0 + from.2, from.1 + from.3 / 2);
        let (x2, y2) = (to.0, to.1 + to.3 / 2);
        let bend = (x2 - x1).max(20) / 2;
        let _ = write!(
            body,
            r#"<path class="edge" d="M{x1},{y1} C{},{y1} {},{y2} {x2},{y2}"/>"#,
            x1 + bend,
            x2 - bend
        );
    }
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="dag" role="img" aria-label="the stages and tasks of {name}" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#8893a0"/></marker></defs>{body}</svg>"##,
        name = esc(&p.name),
        w = x + PAD,
        h = height + PAD,
    )
}

/// One node standing for a stage's tasks: how many, and how many in each state.
fn summary_node(stage_id: &str, tasks: &[Node], statuses: &HashMap<String, String>) -> Node {
    let mut counts = std::collections::BTreeMap::new();
    for task in tasks {
        let name = task.lines.first().map_or("", String::as_str);
        let status = statuses.get(name).map_or("pending", String::as_str);
        *counts.entry(status.replace('_', " ")).or_insert(0usize) += 1;
    }
    let mut lines = vec![format!("{} tasks", tasks.len())];
    lines.extend(counts.iter().map(|(state, n)| format!("{n} {state}")));
    Node {
        id: format!("{stage_id}_summary"),
        kind: NodeKind::Placeholder,
        lines,
        depth: 0,
    }
}

fn node_height(node: &Node) -> i64 {
    // The lines, then the state in words.
    18 + LINE_H * (i64::try_from(node.lines.len()).unwrap_or(1) + 1)
}

fn node_svg(node: &Node, x: i64, y: i64, h: i64, statuses: &HashMap<String, String>) -> String {
    let name = node.lines.first().cloned().unwrap_or_default();
    let status = match node.kind {
        NodeKind::Task | NodeKind::Merge | NodeKind::SubPipeline => statuses
            .get(&name)
            .map_or("pending", String::as_str)
            .to_string(),
        NodeKind::Gate | NodeKind::Legend | NodeKind::Placeholder => String::new(),
    };
    if status.is_empty() {
        // Not a task (a stage's summary, an empty stage): its lines only.
        return format!(
            r#"<g class="node summary" tabindex="0"><title>{t}</title><rect x="{x}" y="{y}" width="{NODE_W}" height="{h}" rx="4"/>{lines}</g>"#,
            t = esc(&node.lines.join("\n")),
            lines = text_lines(&node.lines, x + 8, y + 16, 32),
        );
    }
    let word_y = y + 16 + LINE_H * i64::try_from(node.lines.len()).unwrap_or(1);
    format!(
        r#"<g class="node" data-task="{n}" data-status="{s}" tabindex="0"><title>{t}</title><rect x="{x}" y="{y}" width="{NODE_W}" height="{h}" rx="4"/>{lines}<text class="word" x="{tx}" y="{word_y}">{word}</text></g>"#,
        n = esc(&name),
        s = esc(&status),
        t = esc(&node.lines.join("\n")),
        lines = text_lines(&node.lines, x + 8, y + 16, 32),
        tx = x + 8,
        word = esc(&status.replace('_', " ")),
    )
}

fn text_lines(lines: &[String], x: i64, y: i64, max: usize) -> String {
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let weight = if i == 0 { r#" font-weight="600""# } else { "" };
        let ly = y + LINE_H * i64::try_from(i).unwrap_or(0);
        let _ = write!(
            out,
            r#"<text x="{x}" y="{ly}"{weight}>{}</text>"#,
            esc(&clip(line, max))
        );
    }
    out
}

fn edge(body: &mut String, x1: i64, y1: i64, x2: i64, y2: i64) {
    let _ = write!(body, r#"<path class="edge" d="M{x1},{y1} L{x2},{y2}"/>"#);
}

/// A line cut to `n` characters, so it fits its box (the full text is the
/// node's `<title>`).
fn clip(line: &str, n: usize) -> String {
    if line.chars().count() <= n {
        return line.to_string();
    }
    let mut cut: String = line.chars().take(n - 1).collect();
    cut.push('…');
    cut
}
