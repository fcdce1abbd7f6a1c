// Package resp is quoris's client-facing side: a redcon server, per
// connection state, the command table and dispatch of each command to the
// local FSM (reads), raft (writes), or the leader (proxy or MOVED).
package resp

import (
	"errors"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidwall/redcon"

	"github.com/quoris/quoris/fsm"
	"github.com/quoris/quoris/raftnode"
	"github.com/quoris/quoris/redisconf"
)

// Settings is the server's configuration as CONFIG GET/SET see it.
type Settings interface {
	// Get returns name/value pairs of every setting matching a glob pattern.
	Get(pattern string) [][2]string
	// Set changes a setting at run time, or says why it cannot.
	Set(name, value string) error
}

// Options configure a Server.
type Options struct {
	Addr    string // host:port to listen on; "": no plain TCP port (port 0)
	TLSAddr string // host:port of the TLS client port (tls-port); "": none
	TLS     *raftnode.TLS
	// PeerTLS: this node's connections to other nodes' client ports
	// (proxy, join) are TLS with its certificate, and a RAFT JOIN from a
	// peer with a certificate of the CA is admitted (tls-cluster).
	PeerTLS bool
	// ClusterSecret, when set, admits a RAFT JOIN carrying its MAC.
	ClusterSecret string
	FollowerMode  string // "proxy" (default) or "redirect"
	Settings      Settings
	Logger        *slog.Logger
	// Shutdown stops the process for the SHUTDOWN command; nil sends
	// this process SIGTERM, which quoris-server handles gracefully.
	Shutdown func()
}

// Server serves RESP clients for one node.
type Server struct {
	opts    Options
	node    *raftnode.Node
	fsm     *fsm.FSM
	table   *fsm.Table
	local   map[string]*localCmd
	log     *slog.Logger
	started time.Time
	peers   *peerPool
	blocked *blockers
	hub     *hub        // this node's pub/sub subscriptions
	track   *tracker    // client-side caching (CLIENT TRACKING)
	conf    localConfig // node-local Redis parameters (CONFIG SET)
	health  healthCache // the leader's view of the members, for a follower's CLUSTER replies
	mon     monitors    // MONITOR clients of this node
	monSkip map[string]bool
	pause   pauseState // CLIENT PAUSE, node-local
	// failingOver is set while a FAILOVER's leadership transfer runs.
	failingOver atomic.Bool

	ln       *drainListener // nil without a plain port
	tlsLn    *drainListener // nil without a TLS port
	srv      *connServer
	maxBulk  atomic.Int64                 // proto-max-bulk-len, read from Settings as clients connect
	limits   atomic.Pointer[clientLimits] // see limits.go; read as clients connect
	closing  atomic.Bool
	inflight sync.WaitGroup

	mu      sync.Mutex
	clients map[int64]*client
	nextID  atomic.Int64

	stats struct {
		conns, cmds, rejected, proxied, uncertain atomic.Int64
	}
	ops     *opsStats     // per-command stats, slow log, latency monitor
	opsStop chan struct{} // ends sampleLoop and the replication watch
	repl    replWatch
	lifecycle

	aclOnce   sync.Once
	aclIndex  *aclIndex
	aclPerms  sync.Map // *fsm.ACLUser -> *aclPerms: users are immutable
	aclPermsN atomic.Int64
	aclLog    aclLog
}

// New builds a server for node; call Serve to accept clients.
func New(opts Options, node *raftnode.Node) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.FollowerMode == "" {
		opts.FollowerMode = "proxy"
	}
	s := &Server{
		opts:    opts,
		node:    node,
		fsm:     node.FSM(),
		table:   node.FSM().Table(),
		log:     opts.Logger,
		started: time.Now(),
		clients: map[int64]*client{},
		peers:   newPeerPool(node.RespAddr()),
		blocked: newBlockers(),
		hub:     newHub(),
	}
	s.track = newTracker(s)
	node.FSM().OnWrite(s.blocked.written)
	node.FSM().OnPublish(s.hub.publish)
	node.FSM().SetScriptACL(s.scriptACL)
	s.local = localCommands()
	s.monSkip = s.monitorSkips()
	s.ops = newOpsStats(s.commandNames())
	s.opsStop = make(chan struct{})
	s.refreshSettings()
	s.lastSave.Store(time.Now().Unix())
	s.startupHeap = heapInUse()
	s.lastSnapIndex.Store(s.snapshotIndex())
	s.peers.tls = s.peerTLS()
	return s
}

// Listen binds the client port; Serve then accepts on it.
func (s *Server) Listen() error {
	if s.opts.Addr != "" {
		ln, err := net.Listen("tcp", s.opts.Addr)
		if err != nil {
			return err
		}
		s.ln = newDrainListener(countListener{ln, s.ops})
	}
	if err := s.listenTLS(); err != nil {
		if s.ln != nil {
			s.ln.Close()
		}
		return err
	}
	s.srv = &connServer{handler: s.serveRESP, accept: s.accept, closed: s.closed, maxBulk: s.maxBulk.Load, maxRequest: s.node.MaxCommandBytes(),
		queryLimit: func() int64 { return s.clientLimits().query }, outputOver: s.outputOver}
	s.refreshMaxBulk()
	return nil
}

// Addr is the bound client address (the TLS one without a plain port).
func (s *Server) Addr() net.Addr {
	if s.ln == nil {
		return s.TLSAddr()
	}
	return s.ln.Addr()
}

// Serve accepts clients until Close.
func (s *Server) Serve() error {
	stop := make(chan struct{})
	defer close(stop)
	go s.closeIdleClients(stop)
	go s.sampleLoop(s.opsStop)
	s.watchReplication()
	return s.serveAll()
}

// refreshMaxBulk takes proto-max-bulk-len from the node's configuration; a
// CONFIG SET applies to requests parsed after the next client connects.
func (s *Server) refreshMaxBulk() {
	v := int64(defaultProtoMaxBulkLen)
	if cv := s.configValue("proto-max-bulk-len"); cv != "" {
		v = parseBulkLimit(cv)
	}
	s.maxBulk.Store(v)
}

// Close stops accepting, lets commands already being executed finish and
// send their replies, then closes client connections.
func (s *Server) Close() {
	if !s.closing.CompareAndSwap(false, true) {
		return
	}
	close(s.opsStop)
	for _, l := range s.listeners() {
		l.stopAccepting()
	}
	s.inflight.Wait()
	time.Sleep(50 * time.Millisecond) // redcon flushes replies after the handler returns
	for _, l := range s.listeners() {
		l.release()
	}
	s.peers.close()
}

func (s *Server) accept(conn redcon.Conn) bool {
	if s.closing.Load() {
		return false
	}
	cl := &client{id: s.nextID.Add(1), conn: conn, addr: conn.RemoteAddr(), created: time.Now()}
	if la := conn.NetConn().LocalAddr(); la != nil {
		cl.laddr = la.String()
	}
	cl.lastActive.Store(time.Now().UnixMilli())
	cl.multiLen.Store(-1)
	cl.authed = !s.fsm.ACL().AuthRequired()
	if cc, ok := conn.NetConn().(*countConn); ok {
		cl.in = cc
	}
	conn.SetContext(cl)
	max, _ := strconv.Atoi(s.conf.get(redisconf.Lookup("maxclients")))
	s.refreshMaxBulk()
	setKeepAlive(conn.NetConn(), s.clientLimits().keepalive)
	s.mu.Lock()
	if len(s.clients) >= max {
		s.mu.Unlock()
		// Redis writes the error unbuffered and closes. On a TLS port
		// the write runs the handshake: bounded, as this is the accept loop.
		_ = conn.NetConn().SetDeadline(time.Now().Add(time.Second))
		_, _ = conn.NetConn().Write([]byte("-ERR max number of clients reached\r\n"))
		s.stats.rejected.Add(1)
		return false
	}
	s.clients[cl.id] = cl
	s.mu.Unlock()
	s.stats.conns.Add(1)
	return true
}

func (s *Server) closed(conn redcon.Conn, err error) {
	cl, ok := conn.Context().(*client)
	if !ok {
		return
	}
	s.logClientTLSError(cl, err)
	s.mu.Lock()
	delete(s.clients, cl.id)
	s.mu.Unlock()
	s.unmonitor(cl)
	s.hub.dropClient(cl.ps)
	s.track.dropClient(cl)
}

// drainListener lets Close stop new connections while redcon keeps the
// existing ones open until in-flight replies are written: Accept blocks
// after stopAccepting and fails only after release.
type drainListener struct {
	net.Listener
	stopped  chan struct{}
	released chan struct{}
	once     sync.Once
}

func newDrainListener(ln net.Listener) *drainListener {
	return &drainListener{Listener: ln, stopped: make(chan struct{}), released: make(chan struct{})}
}

func (l *drainListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		select {
		case <-l.stopped:
			<-l.released
			return nil, net.ErrClosed
		default:
		}
	}
	return c, err
}

func (l *drainListener) stopAccepting() {
	l.once.Do(func() { close(l.stopped) })
	l.Listener.Close()
}

func (l *drainListener) release() { close(l.released) }

func (l *drainListener) Close() error {
	l.stopAccepting()
	return nil
}

var errShuttingDown = errors.New("ERR server is shutting down")
