package jetpackcrm

import (
	"go/ast"
	"go/doc"
	"go/doc/comment"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseDocPackage parses the non-test files of the package in dir.
func parseDocPackage(t *testing.T, dir string) (*token.FileSet, []*ast.File, *doc.Package) {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		require.NoError(t, err)
		files = append(files, f)
	}
	require.NotEmpty(t, files)
	d, err := doc.NewFromFiles(fset, files, "github.com/jpcrm-go/jetpackcrm")
	require.NoError(t, err)
	return fset, files, d
}

// exportedErrors returns the package's exported sentinels (vars named
// Err... made by errors.New) and its exported types with an Error method,
// the latter as "*Name" for a pointer receiver.
func exportedErrors(files []*ast.File) (sentinels, types []string) {
	for _, f := range files {
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.GenDecl:
				if d.Tok != token.VAR {
					continue
				}
				for _, spec := range d.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, name := range vs.Names {
						if !name.IsExported() || !strings.HasPrefix(name.Name, "Err") || i >= len(vs.Values) {
							continue
						}
						if call, ok := vs.Values[i].(*ast.CallExpr); ok {
							if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "New" {
								sentinels = append(sentinels, name.Name)
							}
						}
					}
				}
			case *ast.FuncDecl:
				if d.Name.Name != "Error" || d.Recv == nil || len(d.Recv.List) != 1 {
					continue
				}
				recv := d.Recv.List[0].Type
				star := ""
				if s, ok := recv.(*ast.StarExpr); ok {
					recv, star = s.X, "*"
				}
				if id, ok := recv.(*ast.Ident); ok && id.IsExported() {
					types = append(types, star+id.Name)
				}
			}
		}
	}
	return sentinels, types
}

// The package documentation lists every sentinel and error type a call can
// return, each as an item of its own starting with a doc link, and
// MayHaveBeenApplied.
func TestDocListsEveryError(t *testing.T) {
	t.Parallel()
	_, files, d := parseDocPackage(t, ".")
	sentinels, types := exportedErrors(files)
	require.Contains(t, sentinels, "ErrNotFound", "the parse finds the sentinels")
	require.Contains(t, sentinels, "ErrPagingStalled")
	require.Contains(t, types, "*APIError", "the parse finds the error types")
	require.Contains(t, types, "*NotFoundError")
	for _, name := range append(sentinels, types...) {
		assert.True(t, strings.Contains(d.Doc, "\n  - ["+name+"]: "), "doc.go's Errors section has no item \"  - [%s]: \"", name)
	}
	assert.True(t, strings.Contains(d.Doc, "[MayHaveBeenApplied]"), "doc.go links MayHaveBeenApplied")
}

// unresolvedLink is text that looks like a doc link but did not resolve:
// go doc and pkgsite print it with its brackets.
var unresolvedLink = regexp.MustCompile(`\[\*?[A-Z][A-Za-z0-9_]*[a-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)?\]`)

// Every doc link in the package's doc comments resolves to a name that
// exists (a renamed identifier would leave "[OldName]" in the docs).
func TestDocLinksResolve(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{".", "jetpackcrmtest"} {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			_, _, d := parseDocPackage(t, dir)
			links := 0
			check := func(where, text string) {
				for _, bad := range docLinkProblems(d.Parser().Parse(text), &links) {
					t.Errorf("%s: doc link %s does not resolve", where, bad)
				}
			}
			check("package doc", d.Doc)
			for _, v := range append(d.Consts, d.Vars...) {
				check(strings.Join(v.Names, ", "), v.Doc)
			}
			for _, f := range d.Funcs {
				check(f.Name, f.Doc)
			}
			for _, typ := range d.Types {
				check(typ.Name, typ.Doc)
				for _, v := range append(typ.Consts, typ.Vars...) {
					check(strings.Join(v.Names, ", "), v.Doc)
				}
				for _, f := range append(typ.Funcs, typ.Methods...) {
					check(typ.Name+"."+f.Name, f.Doc)
				}
			}
			assert.Positive(t, links, "the check sees the links that resolve")
		})
	}
}

// docLinkProblems returns the bracketed names left as text in a parsed
// comment, and counts the links that resolved.
func docLinkProblems(c *comment.Doc, links *int) []string {
	var bad []string
	var texts func([]comment.Text)
	texts = func(ts []comment.Text) {
		for _, t := range ts {
			switch t := t.(type) {
			case comment.Plain:
				bad = append(bad, unresolvedLink.FindAllString(string(t), -1)...)
			case comment.Italic:
				bad = append(bad, unresolvedLink.FindAllString(string(t), -1)...)
			case *comment.DocLink:
				*links++
			case *comment.Link:
				texts(t.Text)
			}
		}
	}
	var blocks func([]comment.Block)
	blocks = func(bs []comment.Block) {
		for _, b := range bs {
			switch b := b.(type) {
			case *comment.Paragraph:
				texts(b.Text)
			case *comment.Heading:
				texts(b.Text)
			case *comment.List:
				for _, it := range b.Items {
					blocks(it.Content)
				}
			}
		}
	}
	blocks(c.Content)
	return bad
}
