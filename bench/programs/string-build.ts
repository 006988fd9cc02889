// String building: concatenation in loops, template literals, number formatting, join, slice and indexOf.
const N = 200000;
let s = '';
let checksum = 0;
for (let i = 0; i < N; i++) {
  const part = `${i}:${i % 7 === 0 ? 'seven' : 'x'};`;
  s += part;
  if (s.length > 4096) {
    checksum = (checksum + s.length + s.indexOf('seven')) % 1000000007;
    s = s.slice(2048);
  }
}
const lines: string[] = [];
for (let i = 0; i < N / 10; i++) lines.push(String(i * 3).padStart(8, '0'));
const joined = lines.join(',');
let up = 0;
for (const piece of joined.split(',')) up += piece.charCodeAt(piece.length - 1);
console.log(`checksum ${checksum} tail ${s.length} joined ${joined.length} up ${up}`);
