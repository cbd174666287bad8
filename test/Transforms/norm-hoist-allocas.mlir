// RUN: norm-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(norm-hoist-allocas))' | FileCheck %s

// A static alloca in a loop nest moves before the outermost loop, and one
// under an scf.if inside the loop too.
// CHECK-LABEL: func.func @nest
// CHECK:         %[[A:.*]] = memref.alloca() : memref<16xf32>
// CHECK-NEXT:    %[[B:.*]] = memref.alloca() : memref<4xf32>
// CHECK-NEXT:    scf.for
// CHECK-NEXT:      scf.for
// CHECK-NEXT:        memref.store %{{.*}}, %[[A]]
// CHECK:             scf.if
// CHECK-NEXT:          memref.store %{{.*}}, %[[B]]
func.func @nest(%n: index, %c: i1, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    scf.for %j = %c0 to %n step %c1 {
      %a = memref.alloca() : memref<16xf32>
      memref.store %v, %a[%c0] : memref<16xf32>
      scf.if %c {
        %b = memref.alloca() : memref<4xf32>
        memref.store %v, %b[%c0] : memref<4xf32>
      }
    }
  }
  return
}

// -----

// An alloca_scope is an allocation scope that the lowering honours
// (stacksave/stackrestore): an alloca moves before the loop inside it, not
// out of it; a while loop leaks like a for.
// CHECK-LABEL: func.func @scope
// CHECK:         memref.alloca_scope
// CHECK-NEXT:      %[[A:.*]] = memref.alloca() : memref<8xf32>
// CHECK-NEXT:      scf.while
// CHECK-NOT:       memref.alloca
// CHECK:           memref.store %{{.*}}, %[[A]]
func.func @scope(%c: i1, %v: f32) {
  %c0 = arith.constant 0 : index
  memref.alloca_scope {
    scf.while : () -> () {
      scf.condition(%c)
    } do {
      %a = memref.alloca() : memref<8xf32>
      memref.store %v, %a[%c0] : memref<8xf32>
      scf.yield
    }
  }
  return
}

// -----

// A scope inside a loop bounds the hoisting: the alloca goes before the
// loop inside the scope, not before the loop around it (a region that runs
// on several threads, such as an OpenMP loop body, is such a scope, and its
// buffers must stay per thread).
// CHECK-LABEL: func.func @scope_in_loop
// CHECK:         scf.for
// CHECK-NEXT:      memref.alloca_scope
// CHECK-NEXT:        memref.alloca() : memref<8xf32>
// CHECK-NEXT:        scf.for
func.func @scope_in_loop(%n: index, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    memref.alloca_scope {
      scf.for %j = %c0 to %n step %c1 {
        %a = memref.alloca() : memref<8xf32>
        memref.store %v, %a[%c0] : memref<8xf32>
      }
    }
  }
  return
}

// -----

// negative_: a dynamic alloca stays where its size is known; an alloca the
// loop yields (each iteration's own buffer) stays; one that a view of
// reaches the yield stays; one outside any loop stays.
// CHECK-LABEL: func.func @negative_dynamic_yielded_outside
// CHECK-NEXT:    %[[OUT:.*]] = memref.alloca() : memref<2xf32>
// CHECK-NEXT:    arith.constant
// CHECK-NEXT:    arith.constant
// CHECK-NEXT:    scf.for
// CHECK-NEXT:      memref.alloca(%{{.*}}) : memref<?xf32>
// CHECK-NEXT:      memref.alloca() : memref<4xf32>
// CHECK-NEXT:      memref.alloca() : memref<8xf32>
// CHECK-NEXT:      memref.subview
func.func @negative_dynamic_yielded_outside(%n: index, %init: memref<4xf32>, %init2: memref<4xf32>) -> memref<4xf32> {
  %out = memref.alloca() : memref<2xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%b = %init, %b2 = %init2) -> (memref<4xf32>, memref<4xf32>) {
    %d = memref.alloca(%i) : memref<?xf32>
    %y = memref.alloca() : memref<4xf32>
    %z = memref.alloca() : memref<8xf32>
    %view = memref.subview %z[0] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1]>>
    %cast = memref.cast %view : memref<4xf32, strided<[1]>> to memref<4xf32>
    scf.yield %y, %cast : memref<4xf32>, memref<4xf32>
  }
  return %r#0 : memref<4xf32>
}
