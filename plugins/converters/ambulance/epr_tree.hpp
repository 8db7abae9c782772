// An ePR report as a tree, whatever its syntax: JSON objects and XML elements become nodes,
// JSON arrays repeat their member's name (as repeated XML elements do), XML attributes are
// children named "@name". The vendor maps address it with one path syntax ("incident/callTime",
// "Set/@time"), and every leaf remembers whether a map used it, for the report of what was not.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hidewire::plugins::ambulance {

struct TreeNode {
  std::string name;
  std::string text;   // leaves: the value as sent (numbers with their digits)
  bool leaf = false;
  std::vector<TreeNode> kids;
  mutable bool used = false;
};

// Empty on success, else why the text is not JSON / well-formed XML. XML: the root is the
// document element (its name in `root.name`).
std::string read_json(std::string_view raw, TreeNode& root);
std::string read_xml(std::string_view raw, TreeNode& root);

// Every node at `path` (segments separated by '/') below `from`, in document order.
std::vector<const TreeNode*> find_all(const TreeNode& from, std::string_view path);
// The first leaf at `path` with a value, marked used; null when absent or empty.
const TreeNode* take_leaf(const TreeNode& from, std::string_view path);

// The paths ("patient/religion") of leaves with a value that no map used, each once, except
// those at or under an `ignored` path.
void unused_leaves(const TreeNode& root, const std::vector<std::string>& ignored, std::vector<std::string>& out);

}  // namespace hidewire::plugins::ambulance
