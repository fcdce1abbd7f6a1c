package resp

// redisCategoryFix corrects the categories aclCategories derives from
// flags and groups where Redis 7.0 declares them explicitly per command
// (its acl_categories): what COMMAND INFO reports and what ACL rules
// such as -@dangerous act on. Checked against redis-server 7.0.15 (ACL
// CAT <category> for every category); drop lists a derived category
// Redis does not give.
var redisCategoryFix = map[string]struct{ add, drop []string }{
	"command":                 {add: []string{"connection"}},
	"command|count":           {add: []string{"connection"}},
	"command|docs":            {add: []string{"connection"}},
	"command|getkeys":         {add: []string{"connection"}},
	"command|getkeysandflags": {add: []string{"connection"}},
	"command|help":            {add: []string{"connection"}},
	"command|info":            {add: []string{"connection"}},
	"command|list":            {add: []string{"connection"}},
	"readonly":                {add: []string{"connection"}},
	"readwrite":               {add: []string{"connection"}},
	"dbsize":                  {add: []string{"keyspace"}},
	"flushall":                {add: []string{"keyspace", "dangerous"}},
	"flushdb":                 {add: []string{"keyspace", "dangerous"}},
	"swapdb":                  {add: []string{"keyspace", "dangerous"}},
	"keys":                    {add: []string{"dangerous"}},
	"restore":                 {add: []string{"dangerous"}},
	"restore-asking":          {add: []string{"keyspace", "dangerous"}},
	"pubsub|help":             {drop: []string{"pubsub"}},
	"wait":                    {drop: []string{"keyspace"}},
	"sort":                    {add: []string{"set", "sortedset", "list", "dangerous"}, drop: []string{"keyspace"}},
	"sort_ro":                 {add: []string{"set", "sortedset", "list", "dangerous"}, drop: []string{"keyspace"}},
}

// fixCategories applies redisCategoryFix to has (category -> present).
func fixCategories(name string, has map[string]bool) {
	fix, ok := redisCategoryFix[name]
	if !ok {
		return
	}
	for _, c := range fix.add {
		has[c] = true
	}
	for _, c := range fix.drop {
		delete(has, c)
	}
}
