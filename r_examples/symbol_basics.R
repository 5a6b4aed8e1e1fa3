# Symbols from R: what MXNet R's "Symbol" tutorial and its demo basic_symbol.R do, with this
# package. Run with: .venv/bin/mxnet-rscript r_examples/symbol_basics.R   (or Rscript)
library(mxnet)

# A two-layer perceptron: each layer takes the previous one as `data`. Parameters the user
# does not give become arguments named after the layer.
net <- mx.symbol.Variable("data")
net <- mx.symbol.FullyConnected(data = net, name = "fc1", num_hidden = 128)
net <- mx.symbol.Activation(data = net, name = "relu1", act_type = "relu")
net <- mx.symbol.FullyConnected(data = net, name = "fc2", num_hidden = 64)
net <- mx.symbol.Softmax(data = net, name = "out")
cat("class:", class(net), "\n")
cat("arguments:", arguments(net), "\n")
cat("outputs:", outputs(net), "\n")

# A parameter given by the user keeps the user's name.
data <- mx.symbol.Variable("data")
w <- mx.symbol.Variable("myweight")
net <- mx.symbol.FullyConnected(data = data, weight = w, name = "fc1", num_hidden = 128)
cat("own weight:", arguments(net), "\n")

# Arithmetic between symbols builds a node of its own (elemwise_add here).
lhs <- mx.symbol.Variable("data1")
rhs <- mx.symbol.Variable("data2")
net <- mx.symbol.FullyConnected(data = lhs + rhs, name = "fc1", num_hidden = 128)
cat("sum input:", arguments(net), "\n")

# mx.apply() uses a network as a function: its input `data` is replaced by another network.
net <- mx.symbol.Variable("data")
net <- mx.symbol.FullyConnected(data = net, name = "fc1", num_hidden = 128)
net2 <- mx.symbol.Variable("data2")
net2 <- mx.symbol.FullyConnected(data = net2, name = "net2", num_hidden = 128)
composed.net <- mx.apply(net, data = net2, name = "compose")
cat("composed:", arguments(composed.net), "\n")

# The demo's variant: an unnamed input (fc3_data) is filled by name.
data <- mx.symbol.Variable("data")
net1 <- mx.symbol.FullyConnected(data = data, name = "fc1", num_hidden = 10)
net1 <- mx.symbol.FullyConnected(data = net1, name = "fc2", num_hidden = 100)
cat("same arguments:",
    isTRUE(all.equal(arguments(net1), c("data", "fc1_weight", "fc1_bias", "fc2_weight",
                                        "fc2_bias"))), "\n")
net2 <- mx.symbol.FullyConnected(name = "fc3", num_hidden = 10)
net2 <- mx.symbol.Activation(data = net2, act_type = "relu")
net2 <- mx.symbol.FullyConnected(data = net2, name = "fc4", num_hidden = 20)
composed <- mx.apply(net2, fc3_data = net1, name = "composed")
cat("fc3_data composed:", arguments(composed), "\n")

# Shapes flow through the network: R dims, batch last.
shapes <- mx.symbol.infer.shape(composed, data = c(30, 8))
cat("output shape:", shapes$out.shapes[[1]], "\n")

# The network as a Graphviz graph (weights hidden), written as DOT text here.
dot.file <- file.path(tempdir(), "composed.dot")
dot <- mx.viz.plot(composed, file = dot.file)
cat(dot)
