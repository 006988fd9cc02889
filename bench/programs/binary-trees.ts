// binary-trees: allocate and walk many short-lived complete binary trees beside one long-lived tree
// (allocation / GC heavy).
class TreeNode {
  constructor(
    public left: TreeNode | null,
    public right: TreeNode | null,
  ) {}
}

function bottomUp(depth: number): TreeNode {
  if (depth === 0) return new TreeNode(null, null);
  return new TreeNode(bottomUp(depth - 1), bottomUp(depth - 1));
}

function check(t: TreeNode): number {
  if (t.left === null || t.right === null) return 1;
  return 1 + check(t.left) + check(t.right);
}

const maxDepth = 16;
const stretch = bottomUp(maxDepth + 1);
console.log(`stretch tree of depth ${maxDepth + 1}\t check: ${check(stretch)}`);
const longLived = bottomUp(maxDepth);
for (let d = 4; d <= maxDepth; d += 2) {
  const iterations = 2 ** (maxDepth - d + 4);
  let sum = 0;
  for (let i = 0; i < iterations; i++) sum += check(bottomUp(d));
  console.log(`${iterations}\t trees of depth ${d}\t check: ${sum}`);
}
console.log(`long lived tree of depth ${maxDepth}\t check: ${check(longLived)}`);
